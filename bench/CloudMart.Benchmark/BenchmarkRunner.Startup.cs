namespace CloudMart.Benchmark;

public sealed partial class BenchmarkRunner
{
    async Task MeasureStartupAloneAsync(BenchmarkResults results, CancellationToken stop)
    {
        console.MarkupLineInterpolated($"Start-up: each service alone, {settings.StartupRepeats} times, /health polled every 5 ms…");
        var layout = new LabLayout(settings.RepositoryRoot, Path.Combine(_stateRoot, "startup"));
        var key = layout.EnsureSigningKey();
        foreach (var service in ServiceCatalog.Services)
        {
            var samples = new List<double>();
            for (var attempt = 0; attempt < settings.StartupRepeats; attempt++)
            {
                if (Directory.Exists(layout.DataDirectory))
                {
                    Directory.Delete(layout.DataDirectory, recursive: true);
                }
                if (!PortCheck.IsFree(_ports.For(service)))
                {
                    throw new InvalidOperationException($"port {_ports.For(service)}, which {service.Name} needs, is in use");
                }
                var variables = LocalEnvironment.For(service, _ports, layout, key);
                LocalEnvironment.Apply(variables, Overrides([]));
                var health = HealthProbe.UrlOf(_ports.Url(service));
                var clock = Stopwatch.StartNew();
                using var process = ChildProcess.Start(service.Name, _binaries.For(service, layout), variables, LocalEnvironment.RemovedVariables(),
                    layout.LogFile(service.Name), layout.StateDirectory);
                try
                {
                    while (true)
                    {
                        stop.ThrowIfCancellationRequested();
                        if (process.HasExited)
                        {
                            throw new InvalidOperationException($"{service.Name} exited with code {process.ExitCode} while starting alone: {process.LogTail(5)}");
                        }
                        if (clock.Elapsed > TimeSpan.FromSeconds(15))
                        {
                            throw new TimeoutException($"{service.Name} did not answer {health} within 15 s when started alone");
                        }
                        if (await HealthProbe.IsHealthyAsync(health, service.Name, stop))
                        {
                            samples.Add(clock.Elapsed.TotalMilliseconds);
                            break;
                        }
                        await Task.Delay(5, stop);
                    }
                }
                finally
                {
                    await process.StopAsync(TimeSpan.FromSeconds(5));
                }
            }
            var sorted = samples.Order().ToArray();
            results.StartupAlone.Add(new StartupFigure(service.Name, Round(sorted[sorted.Length / 2]), Round(sorted[0]), Round(sorted[^1]), [.. samples.Select(Round)]));
            console.MarkupLineInterpolated($"  {service.Name,-21} {string.Join("  ", samples.Select(s => $"{s:0} ms"))}");
        }
    }
}
