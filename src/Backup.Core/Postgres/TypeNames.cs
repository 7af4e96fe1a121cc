using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// Type names for the OIDs a replication stream gives (pgoutput names only non-built-in types),
/// looked up once each on an ordinary connection opened on first use.
/// </summary>
internal sealed class TypeNames(PostgresConnectionInfo connection) : IAsyncDisposable
{
    private readonly Dictionary<(uint, int), string> _names = [];
    private NpgsqlConnection? _open;

    public async Task<string> NameAsync(uint typeOid, int typeModifier, CancellationToken cancellationToken)
    {
        if (_names.TryGetValue((typeOid, typeModifier), out var name))
        {
            return name;
        }
        _open ??= await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var command = new NpgsqlCommand("SELECT format_type($1, $2)", _open)
        {
            Parameters = { new() { Value = typeOid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid }, new() { Value = typeModifier } },
        };
        await using (command.ConfigureAwait(false))
        {
            name = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string ?? "";
        }
        return _names[(typeOid, typeModifier)] = name;
    }

    public async ValueTask DisposeAsync()
    {
        if (_open is not null)
        {
            await _open.DisposeAsync().ConfigureAwait(false);
        }
    }
}
