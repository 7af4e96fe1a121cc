using Backup.Core.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Backup.Core.DependencyInjection;

/// <summary>
/// What a store package needs from <c>AddBackupSystem</c>'s builder to register its store. Write a
/// store's extension methods generic over the builder, so that the caller's chain keeps its type:
/// <code>
/// public static TBuilder UseMyStorage&lt;TBuilder&gt;(this TBuilder builder, Action&lt;MyStorageOptions&gt;? configure = null)
///     where TBuilder : IBackupStorageBuilder
/// {
///     builder.AddStoreOptions&lt;MyStorageOptions, MyStorageOptionsValidator&gt;(null, "Backup:Storage:My", configure)
///            .UseStorage(sp =&gt; new MyStorageProvider(sp.GetRequiredService&lt;IOptionsMonitor&lt;MyStorageOptions&gt;&gt;().Get(Options.DefaultName)));
///     return builder;
/// }
/// </code>
/// </summary>
public interface IBackupStorageBuilder
{
    /// <summary>The host's service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>Stores backups in the store <paramref name="factory"/> makes, in place of the default one.</summary>
    IBackupStorageBuilder UseStorage(Func<IServiceProvider, IStorageProvider> factory);

    /// <summary>Registers another store under <paramref name="name"/> (a keyed <see cref="IStorageProvider"/>), next to the primary one, e.g. an offsite copy.</summary>
    IBackupStorageBuilder AddStorage(string name, Func<IServiceProvider, IStorageProvider> factory);

    /// <summary>
    /// Options of type <typeparamref name="TOptions"/> (named <paramref name="name"/>, or the default
    /// ones when null) bound from <paramref name="section"/> of the host's configuration, then changed
    /// by <paramref name="configure"/>, and checked by <typeparamref name="TValidator"/> when the host starts.
    /// </summary>
    IBackupStorageBuilder AddStoreOptions<TOptions, TValidator>(string? name, string section, Action<TOptions>? configure)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>;
}
