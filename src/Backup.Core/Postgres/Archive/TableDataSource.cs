namespace Backup.Core.Postgres.Archive;

/// <summary>
/// One table's rows, stored apart from the schema archive, to become a <c>TABLE DATA</c> entry.
/// </summary>
/// <param name="Schema">Schema name as in <c>pg_namespace</c> (unquoted).</param>
/// <param name="Table">Table name as in <c>pg_class</c> (unquoted).</param>
/// <param name="ColumnList">The COPY column list as SQL, already quoted, without parentheses (<c>id, "Odd ""Name"""</c>).</param>
/// <param name="PlainLength">Bytes <paramref name="OpenData"/> yields, when known: lets the TOC carry real data offsets.</param>
/// <param name="OpenData">Opens the rows in COPY TEXT format (what <c>COPY ... TO STDOUT</c> writes, no <c>\.</c> line).</param>
internal sealed record TableDataSource(
    string Schema,
    string Table,
    string ColumnList,
    long? PlainLength,
    Func<CancellationToken, Task<Stream>> OpenData);
