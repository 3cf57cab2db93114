using CloudMart.Catalog;

namespace CloudMart.Diagnosis;

/// <summary>
/// One of the eight faults the broken-production lab ships on purpose: the one description of it
/// that the diagnosis, the grade, the manifest tests and the documentation tests all read. A
/// problem is this fault when the check that finds it, the component and the subject (a variable,
/// a probe field) match; anything else the checks find is some other problem. The symptom and
/// impact say what a learner sees and what it breaks; the findings add the exact cause and fix.
/// </summary>
/// <param name="Title">How the grade and the report name the fault.</param>
/// <param name="Where">The file the fault is in, from the repository root.</param>
/// <param name="Fix">The fix: the value it puts in place, as the solution and the trainer's guide write it.</param>
/// <param name="Check">The check whose problem this fault is.</param>
/// <param name="Service">The component of the service catalog it breaks.</param>
/// <param name="Subject">The field or variable the problem must be about, or null when the check itself says enough.</param>
public sealed record LabFault(
    int Number, string Title, string Where, string Fix, string Check, string Service, string? Subject, string Symptom, string Impact)
{
    /// <summary>True when the fault is in the manifests (all but the retry policy, which is code).</summary>
    public bool InManifests => Check != CheckNames.Retry;

    public bool Matches(string check, string? service, string? subject) =>
        check == Check && service == Service && (Subject is null || subject == Subject);
}

public static class LabFaults
{
    /// <summary>The subject of a Service selector problem (as opposed to a Deployment's own selector).</summary>
    public const string ServiceSelector = "service-selector";

    /// <summary>The subject of a liveness probe that asks the wrong port.</summary>
    public const string LivenessPort = "livenessProbe.port";

    /// <summary>The broken lab's manifests, from the repository root.</summary>
    const string Manifests = "k8s/day-4/broken-production/";

    public static IReadOnlyList<LabFault> All { get; } =
    [
        new(
            Number: 1,
            Title: $"{ServiceCatalog.Database.Name}: DB_NAME is not set",
            Where: Manifests + "06-database-service.yaml",
            Fix: "cloudmart-db",
            Check: CheckNames.Variables,
            Service: ServiceCatalog.Database.Name,
            Subject: "DB_NAME",
            Symptom: "database-service pods exit at start and end up in CrashLoopBackOff; the log of the last attempt ends with 'FATAL: DB_NAME is not set'.",
            Impact: "Nothing can store an order: every order fails with a 5xx, and the Service database-service has no ready endpoints."),
        new(
            Number: 2,
            Title: $"{ServiceCatalog.Notification.Name}: image tag that is never built",
            Where: Manifests + "07-notification-service.yaml",
            Fix: ServiceCatalog.Notification.Image,
            Check: CheckNames.Images,
            Service: ServiceCatalog.Notification.Name,
            Subject: "image",
            Symptom: "notification-service pods never start: ErrImagePull, then ImagePullBackOff, with events saying the image cannot be pulled.",
            Impact: "No notification is sent. Orders still succeed, because a failed notification does not fail the order, so this hides easily."),
        new(
            Number: 3,
            Title: $"{ServiceCatalog.Order.Name}: DATABASE_URL names no Service",
            Where: Manifests + "05-order-service.yaml",
            Fix: ServiceCatalog.Order.Variable("DATABASE_URL").Default!,
            Check: CheckNames.Urls,
            Service: ServiceCatalog.Order.Name,
            Subject: "DATABASE_URL",
            Symptom: "order-service logs 'Call to database-service failed' for a host that does not resolve, and orders come back as 5xx.",
            Impact: "Every order fails at the store step even when database-service itself is healthy."),
        new(
            Number: 4,
            Title: $"{ServiceCatalog.Api.Name}: liveness probe on the wrong port",
            Where: Manifests + "03-api-service.yaml",
            Fix: $"port: {ServiceCatalog.Api.ContainerPort}",
            Check: CheckNames.Probes,
            Service: ServiceCatalog.Api.Name,
            Subject: LivenessPort,
            Symptom: "api-service pods are Running but their restart count keeps growing; events say 'Liveness probe failed ... connection refused'.",
            Impact: "The kubelet kills the api-service every few seconds, cutting off requests in flight: checkout works only now and then."),
        new(
            Number: 5,
            Title: $"{ServiceCatalog.Gateway.Name}: Service selector matches no pods",
            Where: Manifests + "02-gateway.yaml",
            Fix: $"app: {ServiceCatalog.Gateway.Name}",
            Check: CheckNames.Selectors,
            Service: ServiceCatalog.Gateway.Name,
            Subject: ServiceSelector,
            Symptom: "The gateway pods run, yet the Service gateway has no endpoints: port-forward to svc/gateway and requests through the Ingress fail.",
            Impact: "Nothing from outside reaches the shop at all."),
        new(
            Number: 6,
            Title: $"{ServiceCatalog.Auth.Name}: memory limit below its need",
            Where: Manifests + "04-auth-service.yaml",
            Fix: $"{Checks.ManifestChecks.SuggestedLimitMiB(ServiceCatalog.Auth.MemoryNeedMiB)}Mi",
            Check: CheckNames.Memory,
            Service: ServiceCatalog.Auth.Name,
            Subject: "limit",
            Symptom: "Under load the auth-service container is killed with reason OOMKilled (exit code 137) and restarts.",
            Impact: "Token checks fail while auth-service restarts, so orders fail in bursts whenever traffic rises."),
        new(
            Number: 7,
            Title: $"{ServiceCatalog.Order.Name}: retries without backoff (code)",
            Where: LabRepository.RetryFaultPath,
            Fix: $"RetryStrategy.{Checks.RetryPolicyCheck.Backoff}",
            Check: CheckNames.Retry,
            Service: ServiceCatalog.Order.Name,
            Subject: null,
            Symptom: "When a store call fails, order-service repeats it at once, several times within a millisecond or two; its start-up log says 'Store retry policy: immediate'.",
            Impact: "A struggling database-service receives every failing call several times over, which deepens the outage instead of letting it recover."),
        new(
            Number: 8,
            Title: $"{ServiceCatalog.Database.Name}: chaos failure rate above 0",
            Where: Manifests + "06-database-service.yaml",
            Fix: $"\"{ServiceCatalog.Database.Variable("CHAOS_FAILURE_RATE").Default}\"",
            Check: CheckNames.Chaos,
            Service: ServiceCatalog.Database.Name,
            Subject: "CHAOS_FAILURE_RATE",
            Symptom: "A share of the store calls fail with 500, and database-service logs 'Injected failure' for each.",
            Impact: "Checkout fails at random; the order-service retries hide part of it, which makes it look smaller than it is."),
    ];

    public static LabFault Get(int number) => All.Single(f => f.Number == number);

    /// <summary>The lab fault a problem is, or null when it is another problem.</summary>
    public static LabFault? Match(string check, string? service, string? subject) =>
        All.FirstOrDefault(f => f.Matches(check, service, subject));
}
