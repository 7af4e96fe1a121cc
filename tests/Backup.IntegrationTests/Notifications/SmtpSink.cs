using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Backup.IntegrationTests.Notifications;

/// <summary>
/// A minimal real SMTP server on a loopback port: enough of RFC 5321 for one client (EHLO, AUTH
/// PLAIN/LOGIN accepted, MAIL, RCPT, DATA, QUIT), recording each mail's raw text and the AUTH lines.
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public SmtpSink()
    {
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ConcurrentQueue<string> Mails { get; } = new();

    public ConcurrentQueue<string> Transcript { get; } = new();

    public void Dispose() => _listener.Stop();

    private async Task ServeAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => SessionAsync(client));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 sink ESMTP");
        while (await reader.ReadLineAsync() is { } line)
        {
            Transcript.Enqueue(line);
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-sink\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME");
                    break;
                case "AUTH":
                    await writer.WriteLineAsync("235 ok");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 go on");
                    var mail = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } data && data != ".")
                    {
                        mail.Append(data.StartsWith("..", StringComparison.Ordinal) ? data[1..] : data).Append('\n');
                    }
                    Mails.Enqueue(mail.ToString());
                    await writer.WriteLineAsync("250 queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 ok");
                    break;
            }
        }
    }
}
