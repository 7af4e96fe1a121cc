using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backup.Cli;

/// <summary>The form of <c>--json</c> output: the library's manifests' form (camelCase, enums as words), indented.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // For a terminal and jq, not for an HTML page: "+" and non-ASCII names stay as they are.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
