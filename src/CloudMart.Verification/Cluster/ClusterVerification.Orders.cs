using System.Globalization;

namespace CloudMart.Verification.Cluster;

/// <summary>The orders check on a cluster: through --url, or a port-forward to a pod behind Service gateway.</summary>
public sealed partial class ClusterVerification
{
    async Task<CheckResult> OrdersAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var title = options.Orders.Title;
        if (options.Orders.GatewayUrl is { } url)
        {
            var (given, report) = await OrdersCheck.RunAsync(options.Orders.Plan(url), "--url", progress, cancellationToken);
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
        var (result, forwarded) = await OrdersCheck.RunAsync(options.Orders.Plan(forward.LocalUrl),
            $"port-forward 127.0.0.1:{forward.LocalPort} → pod {target.Pod} port {target.Port}", progress, cancellationToken);
        _orders = forwarded;
        if (forward.LastError is { } error && result.Outcome == CheckOutcome.Failed)
        {
            result = result with { Evidence = [.. result.Evidence, error] };
        }
        return result;
    }

    /// <summary>The pod and port that <c>kubectl port-forward svc/gateway 8080:80</c> would reach, or why there is none.</summary>
    async Task<(string? Pod, int Port, string? Problem)> GatewayTargetAsync(CancellationToken cancellationToken)
    {
        V1Service service;
        IList<V1Pod> pods;
        try
        {
            if (await Reader.ServiceAsync(Gateway, cancellationToken) is not { } found)
            {
                return (null, 0, $"there is no Service {Gateway} in namespace {Ns}");
            }
            service = found;
            var selector = service.Spec?.Selector;
            if (selector is null || selector.Count == 0)
            {
                return (null, 0, $"Service {Gateway} has no selector, so there is no pod to port-forward to");
            }
            var labelSelector = string.Join(",", selector.Select(p => $"{p.Key}={p.Value}"));
            pods = await Reader.PodsAsync(cancellationToken, labelSelector);
            if (pods.Count == 0)
            {
                return (null, 0, $"Service {Gateway} selects no pod (selector {labelSelector}), so nothing answers behind it");
            }
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
        var servicePort = service.Spec!.Ports?.FirstOrDefault(p => p.Port == ServiceCatalog.Gateway.ServicePort) ?? service.Spec.Ports?.FirstOrDefault();
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
}
