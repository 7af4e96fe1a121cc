using System.Reflection;

namespace Backup.Core.Runs;

/// <summary>The version of Backup.Core written into every manifest.</summary>
internal static class ProductVersion
{
    /// <summary>The informational version of this assembly.</summary>
    public static readonly string Value = typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
