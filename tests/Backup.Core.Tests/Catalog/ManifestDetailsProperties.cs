using Backup.Core.Catalog;
using Backup.Core.Encryption;
using Backup.Core.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backup.Core.Tests.Catalog;

public class ManifestDetailsProperties
{
    private static readonly MasterKeyRing Ring = new(Keys.Random("prop-key"));

    // Names carry '_' and '.', which base64 never does, so finding one in the raw JSON means it leaked.
    private static readonly Gen<string> Names =
        from schema in Gen.Elements("zq_sales", "zq_hr", "zq_Ünï", "zq_\"quoted\"")
        from table in Gen.Elements("orders", "salaries", "with space", "李雷", "x")
        from n in Gen.Choose(0, 50)
        select $"{schema}.{table}_{n}";

    private static Arbitrary<BackupManifest> Manifests =>
        (from counts in Gen.ListOf(from name in Names from count in Gen.Choose(0, int.MaxValue) select (name, (long)count))
         from comment in Gen.Elements<string?>(null, "", "zq_comment ü 🙂", "zq_" + new string('c', 5000))
         from shapes in Gen.ListOf(Names)
         from error in Gen.Elements<string?>(null, "zq_error: relation \"zq_hr.salaries\" does not exist")
         select ManifestDetailsEncryptionTests.Sample("20260102T030405123Z-cccccccc") with
         {
             TableRowCounts = counts.DistinctBy(c => c.name).ToDictionary(c => c.name, c => c.Item2),
             Tables = [.. counts.Select(c => c.name)],
             Comment = comment,
             Error = error,
             Properties = shapes.Distinct().ToDictionary(s => "shape:" + s, s => "zq_col integer", StringComparer.Ordinal),
         }).ToArbitrary();

    [Property(MaxTest = 60)]
    public Property SealedDetails_RoundTripWithTheKey_AndNoNameInTheRawJson() =>
        Prop.ForAll(Manifests, manifest =>
        {
            var store = new MemoryStorageProvider();
            var catalog = new BackupCatalog(store, Ring, encryptDetails: true);
            catalog.SaveAsync(manifest).GetAwaiter().GetResult();
            var raw = System.Text.Encoding.UTF8.GetString(ReadAll(store, BackupCatalog.ManifestKey(manifest.Id)));
            var read = catalog.GetAsync(manifest.Id).GetAwaiter().GetResult();

            ManifestDetailsEncryptionTests.AssertSameDetails(manifest, read);
            return !raw.Contains("zq_", StringComparison.Ordinal) && !read.DetailsEncrypted;
        });

    private static byte[] ReadAll(MemoryStorageProvider store, string key)
    {
        using var stream = store.OpenReadAsync(key).GetAwaiter().GetResult();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
