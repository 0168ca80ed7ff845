using Npgsql;

namespace PidGuard.Cluster.Postgres;

/// <summary>Creates <c>pidguard_lease</c> when it is missing, once per database, even when many contenders start together.</summary>
internal static class LeaseSchema
{
    public static async Task<bool> ExistsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(LeaseSql.TableExists, connection);
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    public static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // Checked first: CREATE TABLE IF NOT EXISTS needs CREATE on the schema even when the table exists.
        if (await ExistsAsync(connection, ct).ConfigureAwait(false))
            return;
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var lockCmd = new NpgsqlCommand(LeaseSql.LockSchema, connection, tx))
        {
            lockCmd.Parameters.Add(new() { Value = LeaseKey.Schema });
            await lockCmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await using (var create = new NpgsqlCommand(LeaseSql.CreateTable, connection, tx))
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }
}
