using CloudMart.Catalog;

namespace CloudMart.Diagnosis;

/// <summary>
/// One of the eight faults the broken-production lab ships on purpose. A problem is this fault
/// when the check that finds it, the component and the subject (a variable, a probe field) match;
/// anything else the checks find is some other problem. The texts say what a learner sees and what
/// it breaks; the findings add the exact cause and fix.
/// </summary>
public sealed record LabFault(
    int Number,
    string Title,
    string Check,
    string Service,
    string? Subject,
    string Symptom,
    string Impact)
{
    public bool Matches(string check, string? service, string? subject) =>
        check == Check && service == Service && (Subject is null || subject == Subject);
}

/// <summary>The checks' names, shared by the static and the live diagnosis.</summary>
public static class CheckNames
{
    public const string Inventory = "inventory";
    public const string Selectors = "selectors";
    public const string Probes = "probes";
    public const string Urls = "urls";
    public const string Variables = "variables";
    public const string Images = "images";
    public const string Memory = "memory";
    public const string Chaos = "chaos";
    public const string Retry = "retry";
    public const string Hardening = "hardening";
    public const string Pods = "pods";
    public const string Endpoints = "endpoints";
    public const string Logs = "logs";
}

public static class LabFaults
{
    /// <summary>The subject of a Service selector problem (as opposed to a Deployment's own selector).</summary>
    public const string ServiceSelector = "service-selector";

    /// <summary>The subject of a liveness probe that asks the wrong port.</summary>
    public const string LivenessPort = "livenessProbe.port";

    public static IReadOnlyList<LabFault> All { get; } =
    [
        new(1, $"{ServiceCatalog.Database.Name}: DB_NAME is not set", CheckNames.Variables, ServiceCatalog.Database.Name, "DB_NAME",
            "database-service pods exit at start and end up in CrashLoopBackOff; the log of the last attempt ends with 'FATAL: DB_NAME is not set'.",
            "Nothing can store an order: every order fails with a 5xx, and the Service database-service has no ready endpoints."),
        new(2, $"{ServiceCatalog.Notification.Name}: image tag that is never built", CheckNames.Images, ServiceCatalog.Notification.Name, "image",
            "notification-service pods never start: ErrImagePull, then ImagePullBackOff, with events saying the image cannot be pulled.",
            "No notification is sent. Orders still succeed, because a failed notification does not fail the order, so this hides easily."),
        new(3, $"{ServiceCatalog.Order.Name}: DATABASE_URL names no Service", CheckNames.Urls, ServiceCatalog.Order.Name, "DATABASE_URL",
            "order-service logs 'Call to database-service failed' for a host that does not resolve, and orders come back as 5xx.",
            "Every order fails at the store step even when database-service itself is healthy."),
        new(4, $"{ServiceCatalog.Api.Name}: liveness probe on the wrong port", CheckNames.Probes, ServiceCatalog.Api.Name, LivenessPort,
            "api-service pods are Running but their restart count keeps growing; events say 'Liveness probe failed ... connection refused'.",
            "The kubelet kills the api-service every few seconds, cutting off requests in flight: checkout works only now and then."),
        new(5, $"{ServiceCatalog.Gateway.Name}: Service selector matches no pods", CheckNames.Selectors, ServiceCatalog.Gateway.Name, ServiceSelector,
            "The gateway pods run, yet the Service gateway has no endpoints: port-forward to svc/gateway and requests through the Ingress fail.",
            "Nothing from outside reaches the shop at all."),
        new(6, $"{ServiceCatalog.Auth.Name}: memory limit below its need", CheckNames.Memory, ServiceCatalog.Auth.Name, "limit",
            "Under load the auth-service container is killed with reason OOMKilled (exit code 137) and restarts.",
            "Token checks fail while auth-service restarts, so orders fail in bursts whenever traffic rises."),
        new(7, $"{ServiceCatalog.Order.Name}: retries without backoff (code)", CheckNames.Retry, ServiceCatalog.Order.Name, null,
            "When a store call fails, order-service repeats it at once, several times within a millisecond or two; its start-up log says 'Store retry policy: immediate'.",
            "A struggling database-service receives every failing call several times over, which deepens the outage instead of letting it recover."),
        new(8, $"{ServiceCatalog.Database.Name}: chaos failure rate above 0", CheckNames.Chaos, ServiceCatalog.Database.Name, "CHAOS_FAILURE_RATE",
            "A share of the store calls fail with 500, and database-service logs 'Injected failure' for each.",
            "Checkout fails at random; the order-service retries hide part of it, which makes it look smaller than it is."),
    ];

    public static LabFault Get(int number) => All.Single(f => f.Number == number);

    /// <summary>The lab fault a problem is, or null when it is another problem.</summary>
    public static LabFault? Match(string check, string? service, string? subject) =>
        All.FirstOrDefault(f => f.Matches(check, service, subject));
}
