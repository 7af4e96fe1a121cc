using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backup.AspNetCore;

/// <summary>The API's JSON: camelCase, enums as words, nulls left out (as the manifests in the store).</summary>
internal static class BackupApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A misspelt field ("dropExisitng") must fail, not silently fall back to the default.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };
}
