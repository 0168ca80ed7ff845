using PidGuard;
using PidGuard.Hosting;
using Worker;

// A small worker daemon: one line makes it a guarded singleton (see README).
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddPidGuard("worker");
builder.Services.AddHostedService<PeriodicWork>();

using var host = builder.Build();
try
{
    await host.RunAsync();
    return 0;
}
catch (AlreadyRunningException e)
{
    Console.Error.WriteLine(e.Message);
    return 75; // EX_TEMPFAIL, like pidguard start
}
