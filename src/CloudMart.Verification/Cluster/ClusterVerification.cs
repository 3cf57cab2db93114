using System.Globalization;
using System.Net;
using CloudMart.Catalog;
using CloudMart.Verification.Checks;
using CloudMart.Verification.Load;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CloudMart.Verification.Cluster;

/// <summary>What <c>verify --cluster</c> checks, and how.</summary>
public sealed record ClusterVerifyOptions
{
    public required IKubernetes Client { get; init; }

    /// <summary>Who the client talks to, for the report (the API server's address and the context).</summary>
    public string ClusterName { get; init; } = "the cluster";

    public string Namespace { get; init; } = ServiceCatalog.Namespace;

    /// <summary>The gateway to send the orders to; null to port-forward to a gateway pod through the API server.</summary>
    public Uri? GatewayUrl { get; init; }

    public int Orders { get; init; } = LoadPlan.DefaultOrders;

    public TimeSpan Interval { get; init; } = LoadPlan.DefaultInterval;

    /// <summary>How long every container must have run without a restart.</summary>
    public TimeSpan StableFor { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How far back the logs are searched for errors.</summary>
    public TimeSpan LogWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Tempo's HTTP address; without it the traces check is not available.</summary>
    public Uri? TempoUrl { get; init; }

    public TimeSpan TempoWait { get; init; } = TempoTraceCheck.DefaultWait;

    /// <summary>Highest share of its CPU limit a container may use.</summary>
    public double CpuLimitShare { get; init; } = 0.5;

    /// <summary>Highest share of its memory limit a container may use.</summary>
    public double MemoryLimitShare { get; init; } = 0.8;

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>
/// The guide's health checklist on a cluster, through the Kubernetes API: pods running and ready,
/// no recent restarts, Services with ready endpoints, orders through the gateway, no error lines in
/// the recent logs, CPU and memory against the limits (when metrics-server runs), and one order's
/// trace in Tempo (when its address is given).
/// </summary>
public sealed class ClusterVerification(ClusterVerifyOptions options)
{
    const string Gateway = ServiceNames.Gateway;

    IList<V1Pod> _pods = [];
    LoadReport? _orders;

    IKubernetes Client => options.Client;

    string Ns => options.Namespace;

    public string Target => $"namespace {Ns} of {options.ClusterName}";

    public IReadOnlyList<VerifyStep> Steps =>
    [
        new("pods", "Every pod is Running and ready", (_, token) => PodsAsync(token)),
        new("restarts", $"No restart for at least {Minutes(options.StableFor)}", (_, _) => Task.FromResult(Restarts())),
        new("endpoints", "Every Service has ready endpoints", (_, token) => EndpointsAsync(token)),
        new(OrdersCheck.Name, OrdersCheck.Title(options.Orders), OrdersAsync),
        new("logs", $"No error lines in the last {Minutes(options.LogWindow)} of logs", LogsAsync),
        new("resources", $"CPU under {options.CpuLimitShare:P0} and memory under {options.MemoryLimitShare:P0} of their limits", (_, token) => ResourcesAsync(token)),
        new(TempoTraceCheck.Name, TempoTraceCheck.Title, (progress, token) => options.TempoUrl is { } tempo
            ? TempoTraceCheck.RunAsync(tempo, OrdersCheck.TraceToFollow(_orders), options.TempoWait, progress, token)
            : Task.FromResult(CheckResult.Unavailable(TempoTraceCheck.Name, TempoTraceCheck.Title,
                "not available: no --tempo-url given (e.g. kubectl port-forward -n monitoring svc/tempo 3200, then --tempo-url http://localhost:3200)"))),
    ];

    public Task<VerifyReport> RunAsync(Action<CheckResult>? finished = null, CancellationToken cancellationToken = default) =>
        VerifyReport.RunAsync(Target, Steps, finished: finished, cancellationToken: cancellationToken);

    DateTimeOffset Now => options.Clock.GetUtcNow();

    async Task<CheckResult> PodsAsync(CancellationToken cancellationToken)
    {
        const string name = "pods", title = "Every pod is Running and ready";
        try
        {
            _pods = (await Client.CoreV1.ListNamespacedPodAsync(Ns, cancellationToken: cancellationToken)).Items ?? [];
        }
        catch (Exception ex) when (IsAccessFailure(ex))
        {
            return new CheckResult(name, title, CheckOutcome.Failed, $"cannot list the pods of namespace {Ns} on {options.ClusterName}: {Describe(ex)}", [], Stops: true);
        }
        if (_pods.Count == 0)
        {
            return CheckResult.Fail(name, title, $"namespace {Ns} has no pods (is this the right cluster and namespace? kubectl apply -f k8s/day-4/... creates them)");
        }
        var evidence = new List<string>();
        var bad = new List<string>();
        foreach (var pod in _pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var statuses = pod.Status?.ContainerStatuses ?? [];
            var containers = pod.Spec?.Containers?.Count ?? statuses.Count;
            var ready = statuses.Count(s => s.Ready);
            var state = PodState(pod);
            var healthy = state == "Running" && ready == containers && containers > 0;
            if (!healthy)
            {
                bad.Add(pod.Metadata.Name);
            }
            var waiting = statuses.Select(s => s.State?.Waiting).FirstOrDefault(w => w?.Message is { Length: > 0 });
            evidence.Add($"{pod.Metadata.Name}: {state}, {ready}/{containers} ready"
                + (waiting is not null ? $" ({LogScan.Shorten(waiting.Message, 160)})" : ""));
        }
        foreach (var component in ServiceCatalog.All.Where(c => !_pods.Any(p => Label(p, "app") == c.Name)))
        {
            bad.Add(component.Name);
            evidence.Add($"{component.Name}: no pod labelled app={component.Name}");
        }
        return CheckResult.From(bad.Count == 0, name, title,
            bad.Count == 0 ? $"{_pods.Count} pods Running and ready" : $"{bad.Count} not Running and ready: {string.Join(", ", bad)}",
            evidence);
    }

    /// <summary>The pod's state as kubectl's STATUS column shows it: a container's waiting or terminated reason, else the phase.</summary>
    static string PodState(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            return "Terminating";
        }
        foreach (var status in pod.Status?.ContainerStatuses ?? [])
        {
            if (status.State?.Waiting?.Reason is { Length: > 0 } waiting)
            {
                return waiting;
            }
            if (status.State?.Terminated?.Reason is { Length: > 0 } terminated)
            {
                return terminated;
            }
        }
        return pod.Status?.Phase ?? "Unknown";
    }

    CheckResult Restarts()
    {
        var name = "restarts";
        var title = $"No restart for at least {Minutes(options.StableFor)}";
        var evidence = new List<string>();
        var unstable = new List<string>();
        var now = Now;
        foreach (var pod in _pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            foreach (var status in pod.Status?.ContainerStatuses ?? [])
            {
                var who = (pod.Spec?.Containers?.Count ?? 1) > 1 ? $"{pod.Metadata.Name}/{status.Name}" : pod.Metadata.Name;
                var started = Utc(status.State?.Running?.StartedAt);
                var last = status.LastState?.Terminated;
                var lastEnd = Utc(last?.FinishedAt);
                var line = $"{who}: {status.RestartCount} restart{(status.RestartCount == 1 ? "" : "s")}";
                if (status.RestartCount > 0 && (started ?? lastEnd) is { } restartedAt)
                {
                    line += $", last {Ago(now - restartedAt)} ago";
                }
                if (last is not null)
                {
                    line += $" (previous container: {last.Reason ?? "terminated"}, exit code {last.ExitCode}"
                        + (lastEnd is { } end ? $", ended {Ago(now - end)} ago)" : ")");
                }
                bool stable;
                if (started is { } since)
                {
                    var up = now - since;
                    stable = up >= options.StableFor;
                    line += $"; running for {Ago(up)}";
                    if (!stable)
                    {
                        line += $", {Ago(options.StableFor - up)} short of {Minutes(options.StableFor)}";
                    }
                }
                else
                {
                    stable = false;
                    line += status.State?.Waiting?.Reason is { } reason ? $"; not running: {reason}" : "; not running";
                }
                if (!stable)
                {
                    unstable.Add(who);
                }
                evidence.Add(line);
            }
        }
        if (_pods.Count == 0)
        {
            return CheckResult.Fail(name, title, "no pods to check");
        }
        return CheckResult.From(unstable.Count == 0, name, title,
            unstable.Count == 0
                ? $"every container has run for {Minutes(options.StableFor)} or more without a restart"
                : $"{unstable.Count} container{(unstable.Count == 1 ? "" : "s")} restarted, started or stopped within the last {Minutes(options.StableFor)}: {string.Join(", ", unstable)}",
            evidence);
    }

    async Task<CheckResult> EndpointsAsync(CancellationToken cancellationToken)
    {
        const string name = "endpoints", title = "Every Service has ready endpoints";
        IList<V1Service> services;
        IList<V1EndpointSlice> slices;
        try
        {
            services = (await Client.CoreV1.ListNamespacedServiceAsync(Ns, cancellationToken: cancellationToken)).Items ?? [];
            slices = (await Client.DiscoveryV1.ListNamespacedEndpointSliceAsync(Ns, cancellationToken: cancellationToken)).Items ?? [];
        }
        catch (Exception ex) when (IsAccessFailure(ex))
        {
            return CheckResult.Fail(name, title, $"cannot list the Services and EndpointSlices of namespace {Ns}: {Describe(ex)}");
        }
        var evidence = new List<string>();
        var empty = new List<string>();
        foreach (var service in services.OrderBy(s => s.Metadata.Name, StringComparer.Ordinal))
        {
            if (service.Spec?.Type == "ExternalName")
            {
                continue;
            }
            var serviceName = service.Metadata.Name;
            var endpoints = slices.Where(s => s.Metadata?.Labels?.TryGetValue("kubernetes.io/service-name", out var owner) == true && owner == serviceName)
                .SelectMany(s => s.Endpoints ?? []).ToList();
            // A missing ready condition means ready, as the EndpointSlice API defines it.
            var ready = endpoints.Where(e => e.Conditions?.Ready != false).Sum(e => e.Addresses?.Count ?? 0);
            var notReady = endpoints.Where(e => e.Conditions?.Ready == false).Sum(e => e.Addresses?.Count ?? 0);
            var line = $"{serviceName}: {ready} ready endpoint{(ready == 1 ? "" : "s")}" + (notReady > 0 ? $", {notReady} not ready" : "");
            if (ready == 0)
            {
                empty.Add(serviceName);
                line += " — " + SelectorFinding(service);
            }
            evidence.Add(line);
        }
        foreach (var component in ServiceCatalog.All.Where(c => services.All(s => s.Metadata.Name != c.Name)))
        {
            empty.Add(component.Name);
            evidence.Add($"{component.Name}: no such Service in namespace {Ns}");
        }
        if (services.Count == 0 && empty.Count == 0)
        {
            return CheckResult.Fail(name, title, $"namespace {Ns} has no Services");
        }
        return CheckResult.From(empty.Count == 0, name, title,
            empty.Count == 0 ? $"{services.Count} Services, each with ready endpoints" : $"no ready endpoints: {string.Join(", ", empty)}",
            evidence);
    }

    /// <summary>Why a Service may have no endpoints, from its selector and the pods: none selected, or none ready.</summary>
    string SelectorFinding(V1Service service)
    {
        var selector = service.Spec?.Selector;
        if (selector is null || selector.Count == 0)
        {
            return "it has no selector";
        }
        var text = string.Join(",", selector.Select(p => $"{p.Key}={p.Value}"));
        var selected = _pods.Where(p => Selects(selector, p)).ToList();
        if (selected.Count == 0)
        {
            var apps = _pods.Select(p => Label(p, "app")).Where(a => a is not null).Distinct().Order(StringComparer.Ordinal).ToList();
            return $"its selector {text} matches no pod" + (apps.Count > 0 ? $" (the pods' app labels: {string.Join(", ", apps)})" : "");
        }
        return $"its selector {text} matches {selected.Count} pod{(selected.Count == 1 ? "" : "s")}, none ready";
    }

    static bool Selects(IDictionary<string, string> selector, V1Pod pod) =>
        selector.All(pair => pod.Metadata.Labels?.TryGetValue(pair.Key, out var value) == true && value == pair.Value);

    static string? Label(V1Pod pod, string key) => pod.Metadata.Labels?.TryGetValue(key, out var value) == true ? value : null;

    async Task<CheckResult> OrdersAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var title = OrdersCheck.Title(options.Orders);
        if (options.GatewayUrl is { } url)
        {
            var (given, report) = await OrdersCheck.RunAsync(Plan(url), "--url", progress, cancellationToken);
            _orders = report;
            return given;
        }
        progress($"opening a port-forward to a pod of Service {Gateway}");
        var target = await GatewayTargetAsync(cancellationToken);
        if (target.Problem is { } problem)
        {
            return CheckResult.Fail(OrdersCheck.Name, title, problem,
                ["the orders go through a port-forward to the pod behind Service gateway, as kubectl port-forward svc/gateway does; or pass --url"]);
        }
        await using var forward = PodPortForward.Start(Client, Ns, target.Pod!, target.Port);
        var (result, forwarded) = await OrdersCheck.RunAsync(Plan(forward.LocalUrl),
            $"port-forward 127.0.0.1:{forward.LocalPort} → pod {target.Pod} port {target.Port}", progress, cancellationToken);
        _orders = forwarded;
        if (forward.LastError is { } error && result.Outcome == CheckOutcome.Failed)
        {
            result = result with { Evidence = [.. result.Evidence, error] };
        }
        return result;
    }

    LoadPlan Plan(Uri gateway) => new() { BaseUrl = gateway, Orders = options.Orders, Interval = options.Interval };

    /// <summary>The pod and port that <c>kubectl port-forward svc/gateway 8080:80</c> would reach, or why there is none.</summary>
    async Task<(string? Pod, int Port, string? Problem)> GatewayTargetAsync(CancellationToken cancellationToken)
    {
        V1Service service;
        IList<V1Pod> pods;
        try
        {
            service = await Client.CoreV1.ReadNamespacedServiceAsync(Gateway, Ns, cancellationToken: cancellationToken);
            var selector = service.Spec?.Selector;
            if (selector is null || selector.Count == 0)
            {
                return (null, 0, $"Service {Gateway} has no selector, so there is no pod to port-forward to");
            }
            var labelSelector = string.Join(",", selector.Select(p => $"{p.Key}={p.Value}"));
            pods = (await Client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: labelSelector, cancellationToken: cancellationToken)).Items ?? [];
            if (pods.Count == 0)
            {
                return (null, 0, $"Service {Gateway} selects no pod (selector {labelSelector}), so nothing answers behind it");
            }
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, 0, $"there is no Service {Gateway} in namespace {Ns}");
        }
        catch (Exception ex) when (IsAccessFailure(ex))
        {
            return (null, 0, $"cannot read Service {Gateway}: {Describe(ex)}");
        }
        var pod = pods.Where(p => p.Status?.Phase == "Running" && p.Metadata.DeletionTimestamp is null)
            .OrderByDescending(p => p.Status?.ContainerStatuses?.All(s => s.Ready) == true)
            .FirstOrDefault();
        if (pod is null)
        {
            return (null, 0, $"Service {Gateway} selects {pods.Count} pod{(pods.Count == 1 ? "" : "s")}, none Running");
        }
        var servicePort = service.Spec!.Ports?.FirstOrDefault(p => p.Port == ServiceCatalog.Gateway.ContainerPort) ?? service.Spec.Ports?.FirstOrDefault();
        if (servicePort is null)
        {
            return (null, 0, $"Service {Gateway} has no port");
        }
        var targetPort = servicePort.TargetPort?.Value;
        if (targetPort is null || targetPort.Length == 0)
        {
            return (pod.Metadata.Name, servicePort.Port, null);
        }
        if (int.TryParse(targetPort, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return (pod.Metadata.Name, number, null);
        }
        var named = pod.Spec?.Containers?.SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == targetPort);
        return named is null
            ? (null, 0, $"Service {Gateway} targets the port named {targetPort}, which pod {pod.Metadata.Name} does not declare")
            : (pod.Metadata.Name, named.ContainerPort, null);
    }

    async Task<CheckResult> LogsAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var name = "logs";
        var title = $"No error lines in the last {Minutes(options.LogWindow)} of logs";
        IList<V1Pod> pods;
        try
        {
            // Listed again: the orders may have restarted or replaced pods.
            pods = (await Client.CoreV1.ListNamespacedPodAsync(Ns, cancellationToken: cancellationToken)).Items ?? [];
        }
        catch (Exception ex) when (IsAccessFailure(ex))
        {
            return CheckResult.Fail(name, title, $"cannot list the pods of namespace {Ns}: {Describe(ex)}");
        }
        var evidence = new List<string>();
        var noisy = new List<string>();
        long total = 0, scanned = 0;
        var since = (int)Math.Ceiling(options.LogWindow.TotalSeconds);
        foreach (var pod in pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            foreach (var container in pod.Spec?.Containers ?? [])
            {
                var who = (pod.Spec!.Containers.Count > 1) ? $"{pod.Metadata.Name}/{container.Name}" : pod.Metadata.Name;
                progress($"reading the logs of {who}");
                List<string> lines;
                try
                {
                    await using var stream = await Client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, Ns, container: container.Name,
                        sinceSeconds: since, cancellationToken: cancellationToken);
                    lines = await ReadLinesAsync(stream, cancellationToken);
                }
                catch (Exception ex) when (IsAccessFailure(ex))
                {
                    evidence.Add($"{who}: no logs to read ({Describe(ex)})");
                    continue;
                }
                scanned += lines.Count;
                var errors = LogScan.ErrorLines(lines);
                if (errors.Count == 0)
                {
                    evidence.Add($"{who}: {lines.Count} lines, no error");
                    continue;
                }
                total += errors.Count;
                noisy.Add(who);
                evidence.Add($"{who}: {errors.Count} error line{(errors.Count == 1 ? "" : "s")} of {lines.Count}, e.g.");
                evidence.AddRange(errors.Take(3).Select(line => "  " + LogScan.Summarize(line)));
            }
        }
        return CheckResult.From(total == 0 && pods.Count > 0, name, title,
            pods.Count == 0 ? "no pods, so no logs"
            : total == 0 ? $"no error or fatal line in {scanned} lines from {pods.Count} pods"
            : $"{total} error line{(total == 1 ? "" : "s")} in the logs of {string.Join(", ", noisy)}",
            evidence);
    }

    /// <summary>Reads a log stream's lines, at most 100,000 of them (the end is what matters, and is kept).</summary>
    static async Task<List<string>> ReadLinesAsync(Stream stream, CancellationToken cancellationToken)
    {
        const int max = 100_000;
        using var reader = new StreamReader(stream);
        var lines = new Queue<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lines.Enqueue(line);
            if (lines.Count > max)
            {
                lines.Dequeue();
            }
        }
        return [.. lines];
    }

    async Task<CheckResult> ResourcesAsync(CancellationToken cancellationToken)
    {
        var name = "resources";
        var title = $"CPU under {options.CpuLimitShare:P0} and memory under {options.MemoryLimitShare:P0} of their limits";
        PodMetricsList metrics;
        try
        {
            metrics = await Client.GetKubernetesPodsMetricsByNamespaceAsync(Ns).WaitAsync(cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable)
        {
            return CheckResult.Unavailable(name, title,
                $"not available: the metrics API (metrics.k8s.io) answered {(int)ex.Response.StatusCode}; metrics-server is not installed or not ready");
        }
        catch (Exception ex) when (IsAccessFailure(ex))
        {
            return CheckResult.Unavailable(name, title, $"not available: cannot read pod metrics: {Describe(ex)}");
        }
        var evidence = new List<string>();
        var over = new List<string>();
        var measured = 0;
        foreach (var podMetrics in (metrics.Items ?? []).OrderBy(m => m.Metadata?.Name, StringComparer.Ordinal))
        {
            var pod = _pods.FirstOrDefault(p => p.Metadata.Name == podMetrics.Metadata?.Name);
            foreach (var container in podMetrics.Containers ?? [])
            {
                measured++;
                var spec = pod?.Spec?.Containers?.FirstOrDefault(c => c.Name == container.Name);
                var who = (pod?.Spec?.Containers?.Count ?? 1) > 1 ? $"{podMetrics.Metadata?.Name}/{container.Name}" : podMetrics.Metadata?.Name;
                var cpu = Quantity(container.Usage, "cpu");
                var memory = Quantity(container.Usage, "memory");
                var cpuLimit = Quantity(spec?.Resources?.Limits, "cpu");
                var memoryLimit = Quantity(spec?.Resources?.Limits, "memory");
                var cpuText = Usage(cpu, cpuLimit, Cores, options.CpuLimitShare, out var cpuOver);
                var memoryText = Usage(memory, memoryLimit, Mebibytes, options.MemoryLimitShare, out var memoryOver);
                if (cpuOver || memoryOver)
                {
                    over.Add(who ?? "?");
                }
                evidence.Add($"{who}: CPU {cpuText}, memory {memoryText}");
            }
        }
        if (measured == 0)
        {
            return CheckResult.Unavailable(name, title, "not available: metrics-server has no figures for this namespace's pods yet");
        }
        return CheckResult.From(over.Count == 0, name, title,
            over.Count == 0
                ? $"{measured} containers within {options.CpuLimitShare:P0} of their CPU limit and {options.MemoryLimitShare:P0} of their memory limit"
                : $"too close to their limits: {string.Join(", ", over)}",
            evidence);
    }

    static decimal? Quantity(IDictionary<string, ResourceQuantity>? quantities, string resource) =>
        quantities?.TryGetValue(resource, out var quantity) == true && quantity is not null ? quantity.ToDecimal() : null;

    static string Usage(decimal? used, decimal? limit, Func<decimal, string> format, double share, out bool over)
    {
        over = false;
        if (used is null)
        {
            return "not measured";
        }
        if (limit is null or 0)
        {
            return $"{format(used.Value)} (no limit)";
        }
        var fraction = (double)(used.Value / limit.Value);
        over = fraction >= share;
        return $"{format(used.Value)} of {format(limit.Value)} ({fraction:P0}){(over ? " — too high" : "")}";
    }

    static string Cores(decimal cores) => (cores * 1000).ToString("0", CultureInfo.InvariantCulture) + "m";

    static string Mebibytes(decimal bytes) => (bytes / (1024 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + "Mi";

    /// <summary>An error talking to the API server that a check reports rather than crashes on.</summary>
    static bool IsAccessFailure(Exception ex) =>
        ex is HttpOperationException or HttpRequestException or KubernetesException or TaskCanceledException or IOException
            or System.Net.WebSockets.WebSocketException or k8s.Exceptions.KubernetesClientException;

    static string Describe(Exception ex) => ex switch
    {
        HttpOperationException { Response: { } response } =>
            $"{(int)response.StatusCode} {response.ReasonPhrase}" + (Message(response.Content) is { } message ? $": {message}" : ""),
        TaskCanceledException => "no answer in time",
        _ => ex.Message,
    };

    /// <summary>The message of a Kubernetes Status body.</summary>
    static string? Message(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(content);
            return document.RootElement.TryGetProperty("message", out var message) ? message.GetString() : LogScan.Shorten(content, 160);
        }
        catch (System.Text.Json.JsonException)
        {
            return LogScan.Shorten(content, 160);
        }
    }

    static DateTimeOffset? Utc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero),
        { } other => new DateTimeOffset(DateTime.SpecifyKind(other, DateTimeKind.Utc), TimeSpan.Zero),
    };

    static string Minutes(TimeSpan value) => value.TotalMinutes >= 1 && value.TotalMinutes == Math.Floor(value.TotalMinutes)
        ? $"{value.TotalMinutes:0} min" : $"{value.TotalSeconds:0} s";

    public static string Ago(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }
        return age.TotalHours >= 1 ? $"{(int)age.TotalHours} h {age.Minutes} min"
            : age.TotalMinutes >= 1 ? $"{(int)age.TotalMinutes} min {age.Seconds} s"
            : $"{(int)age.TotalSeconds} s";
    }
}
