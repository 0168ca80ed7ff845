using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(PidGuard.Benchmarks.AcquireReleaseBenchmarks).Assembly).Run(args);
