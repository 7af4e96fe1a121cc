using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace WebApi;

/// <summary>Keys and the role each one grants (section <c>Api:Keys</c>: <c>{ "KEY": "backup-admin", "OTHER-KEY": "backup-reader" }</c>).</summary>
public sealed class ApiKeyOptions : AuthenticationSchemeOptions
{
    public Dictionary<string, string> Keys { get; set; } = [];
}

/// <summary>
/// The sample's authentication: an <c>X-Api-Key</c> header, compared in constant time. A real host
/// would use its own (JWT bearer, cookies...); the backup API only asks for an authorization policy.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<ApiKeyOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiKeyOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue("X-Api-Key", out var given) || given.ToString() is not { Length: > 0 } key)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var match = Options.Keys.FirstOrDefault(k => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(k.Key), Encoding.UTF8.GetBytes(key)));
        if (match.Key is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-key"), new Claim(ClaimTypes.Role, match.Value)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
