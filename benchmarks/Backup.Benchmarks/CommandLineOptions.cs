using System.Globalization;

namespace Backup.Benchmarks;

/// <summary>Reads <c>--name value</c> pairs for the non-BenchmarkDotNet modes of the executable.</summary>
public sealed class CommandLineOptions(string[] args)
{
    /// <summary>The value after <paramref name="name"/>, or <paramref name="fallback"/> when it is absent.</summary>
    public string Get(string name, string? fallback = null)
    {
        int index = Array.IndexOf(args, name);
        if (index >= 0 && index + 1 < args.Length)
        {
            return args[index + 1];
        }

        return fallback ?? throw new ArgumentException($"Missing option {name}.");
    }

    /// <summary>The integer after <paramref name="name"/>, or <paramref name="fallback"/> when it is absent.</summary>
    public int GetInt(string name, int fallback) =>
        Array.IndexOf(args, name) >= 0 ? int.Parse(Get(name), CultureInfo.InvariantCulture) : fallback;
}
