using Backup.Core.Abstractions;

namespace Backup.Core.Diagnostics;

/// <summary>A store as the log names it: where it is when the store says so (its <c>ToString</c>), else its kind.</summary>
internal static class StoreDescription
{
    public static string Of(IStorageProvider store)
    {
        var text = store.ToString();
        // object.ToString gives the type's name: the store does not describe itself, its kind must do.
        return string.IsNullOrEmpty(text) || text == store.GetType().ToString() ? store.Name : text;
    }
}
