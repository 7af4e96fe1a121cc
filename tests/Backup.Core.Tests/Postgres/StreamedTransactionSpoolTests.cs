using Backup.Core.Changes;
using Backup.Core.Postgres;

namespace Backup.Core.Tests.Postgres;

public sealed class StreamedTransactionSpoolTests
{
    // A spool holds the plain rows of a running transaction (card numbers, say) during an encrypted backup.
    [Fact]
    public async Task Spool_IsAnOwnerOnlyFileInAnOwnerOnlyFolderOfItsOwn()
    {
        var spool = new StreamedTransactionSpool();
        string path;
        await using (spool)
        {
            path = spool.Path;
            await spool.AppendAsync(7, new ChangeItem(new InsertChange(1, [ColumnValue.Of("4111 1111 1111 1111")])), CancellationToken.None);

            var folder = Path.GetDirectoryName(spool.Path)!;
            Assert.NotEqual(Path.TrimEndingDirectorySeparator(Path.GetTempPath()), folder);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(spool.Path));
        }
        Assert.False(File.Exists(path));
    }
}
