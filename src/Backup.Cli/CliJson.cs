using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backup.Cli;

/// <summary>The form of <c>--json</c> output: the library's manifests' form (camelCase, enums as words), indented.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
