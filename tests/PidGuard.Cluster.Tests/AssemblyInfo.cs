using PidGuard.Cluster.Tests.Infrastructure;

// Failover tests measure time: one at a time on a 2-core machine (xunit.runner.json turns off parallel collections).
[assembly: AssemblyFixture(typeof(PostgresFixture))]
