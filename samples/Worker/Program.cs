using PidGuard.Hosting;
using Worker;

// A small worker daemon: one line makes it a guarded singleton (see README).
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddPidGuard("worker");
builder.Services.AddHostedService<PeriodicWork>();

using var host = builder.Build();
return await host.RunAsDaemonAsync(); // 75 when another instance runs, 78 when the runtime directory is unusable
