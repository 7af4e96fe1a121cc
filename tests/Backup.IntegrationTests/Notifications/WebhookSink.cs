using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Backup.IntegrationTests.Notifications;

/// <summary>A real local HTTP listener that records every POST and answers from a script (then 200).</summary>
public sealed class WebhookSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<int> _answers;

    public WebhookSink(params int[] answers)
    {
        _answers = new ConcurrentQueue<int>(answers);
        // HttpListener cannot take port 0: a free port is found first.
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/hooks/t0ken-in-the-path/";
        }
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var status = _answers.TryDequeue(out var scripted) ? scripted : 200;
            Requests.Enqueue(new Received(body, context.Request.Headers["X-Backup-Signature"], context.Request.Headers["X-Backup-Delivery"], context.Request.Headers["X-Backup-Event"], status));
            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    public sealed record Received(string Body, string? Signature, string? Delivery, string? Event, int Status);
}
