using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backup.Core.Catalog;

/// <summary>The JSON form of manifests: camelCase, enums as words, indented for people reading the bucket.</summary>
internal static class ManifestJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The same without indentation: for details that are sealed, where nobody reads the layout.</summary>
    public static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };
}
