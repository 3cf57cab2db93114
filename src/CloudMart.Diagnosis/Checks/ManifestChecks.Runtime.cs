using System.Globalization;
using CloudMart.Manifests;
using CloudMart.Catalog;
using k8s.Models;

namespace CloudMart.Diagnosis.Checks;

/// <summary>How each service container is started, how much CPU it may use, and how it is stopped.</summary>
public static partial class ManifestChecks
{
    /// <summary>
    /// The program each C# service's image starts (the ENTRYPOINT of its Dockerfile, a native
    /// build in /app on the runtime-deps image, which has no dotnet host).
    /// </summary>
    public static string Entrypoint(ServiceSpec spec) => $"/app/{spec.Name}";

    /// <summary>The grace period Kubernetes gives a pod when its spec says none.</summary>
    public const int DefaultGracePeriodSeconds = 30;

    /// <summary>A C# service's container runs the image's own entrypoint: no other command, and no arguments (the services read none).</summary>
    public static IEnumerable<Finding> Commands(ManifestSet set, BuiltImages images) =>
        from c in Containers(set)
        where c.Spec.Name != ServiceCatalog.Gateway.Name
        let command = c.Found.Container.Command ?? []
        let args = c.Found.Container.Args ?? []
        let entrypoint = Entrypoint(c.Spec)
        where !(command.Count == 0 || (command.Count == 1 && command[0] == entrypoint)) || args.Count > 0
        let field = command.Count > 0 ? "command" : "args"
        let written = string.Join(" ", command.Concat(args))
        let name = c.Spec.Name
        select new Finding(CheckNames.Images, name, "command", set.Locate(c.Found, field))
        {
            Summary = $"{name} container runs '{written}' instead of its image's entrypoint {entrypoint}",
            Value = written,
            Expected = $"no command or args (the image runs {entrypoint})",
            RootCause = command.Count > 0
                ? $"The container's command replaces the image's entrypoint {entrypoint}; the image ({c.Found.Container.Image}) is a native build on the runtime-deps base, with no shell, no dotnet host and no .dll, so '{command[0]}' cannot be started."
                : $"The container passes arguments ({string.Join(" ", args)}) to {entrypoint}, which reads its settings only from the environment.",
            Fix = $"Remove {field} from the {name} container, so the image's entrypoint {entrypoint} starts the service.",
            Symptom = $"{name} pods stay in RunContainerError / CrashLoopBackOff; events say the executable was not found.",
            Impact = $"{name} never runs.",
        };

    /// <summary>Each CPU limit leaves the service the CPU the catalog says it needs under the customers' traffic.</summary>
    public static IEnumerable<Finding> CpuLimits(ManifestSet set, BuiltImages images) =>
        from c in Containers(set)
        let need = c.Spec.CpuNeedMillicores
        let limit = c.Found.Container.CpuLimitMillicores()
        where need > 0 && limit is { } l && l < need
        let name = c.Spec.Name
        let written = c.Found.Container.Resources.Limits["cpu"].ToString()
        select new Finding(CheckNames.Cpu, name, "limit", set.Locate(c.Found, "resources.limits.cpu"))
        {
            Summary = $"{name} CPU limit {written} is below its need of {need}m",
            Value = written,
            Expected = $">= {need}m (the solution gives 500m)",
            RootCause = $"A CPU limit of {written} lets {name} run {Share(limit!.Value)} of every 100 ms scheduling period; it needs about {need}m to keep up with the customers' requests, so the kernel throttles it and requests queue.",
            Fix = $"Raise resources.limits.cpu to 500m (at least {need}m).",
            Symptom = $"Requests through {name} get slow: checkout p95 passes 2 s (CheckoutLatencyAboveSla); later its probes time out and it restarts.",
            Impact = "Checkouts breach the 2 s SLA, then time out.",
        };

    /// <summary>A CPU request above the limit is refused by the API server: the Deployment is not applied at all.</summary>
    public static IEnumerable<Finding> CpuRequestWithinLimit(ManifestSet set, BuiltImages images) =>
        from c in Containers(set)
        let request = c.Found.Container.CpuRequestMillicores()
        let limit = c.Found.Container.CpuLimitMillicores()
        where request is { } r && limit is { } l && r > l
        let name = c.Spec.Name
        select new Finding(CheckNames.Cpu, name, "request", set.Locate(c.Found, "resources.requests.cpu"))
        {
            Summary = $"{name} CPU request {request}m is above its limit {limit}m",
            Value = $"{request}m",
            Expected = $"<= {limit}m",
            RootCause = "Kubernetes requires a container's request to be at most its limit, and refuses the Deployment otherwise.",
            Fix = "Lower the CPU request to at most the limit (or raise the limit).",
            Symptom = "kubectl apply fails for the Deployment: 'must be less than or equal to cpu limit'.",
            Impact = $"{name} is not (re)deployed; the old pods, or none, keep running.",
        };

    /// <summary>
    /// Each pod's termination grace period covers its service's drain after SIGTERM
    /// (SHUTDOWN_DRAIN_SECONDS) plus the time in-flight requests then get, so no request is cut by SIGKILL.
    /// </summary>
    public static IEnumerable<Finding> GracePeriods(ManifestSet set, BuiltImages images) =>
        from c in Containers(set)
        let drain = DrainSeconds(c.Spec, c.Found.Container)
        where drain is not null
        let needed = drain.Value + ServiceCatalog.InFlightGraceSeconds
        let grace = c.Found.Deployment.Spec.Template.Spec.TerminationGracePeriodSeconds ?? DefaultGracePeriodSeconds
        where grace < needed
        let name = c.Spec.Name
        select new Finding(CheckNames.Shutdown, name, "terminationGracePeriodSeconds", set.Locate(c.Found.Deployment, "spec.template.spec.terminationGracePeriodSeconds"))
        {
            Summary = $"{name} pods get {grace} s to stop; the service needs {needed} s (a {drain} s drain and {ServiceCatalog.InFlightGraceSeconds} s for requests in flight)",
            Value = grace.ToString(CultureInfo.InvariantCulture),
            Expected = $">= {needed} (the solution gives {DefaultGracePeriodSeconds})",
            RootCause = $"After SIGTERM {name} keeps serving, unready, for SHUTDOWN_DRAIN_SECONDS ({drain} s), then gives in-flight requests {ServiceCatalog.InFlightGraceSeconds} s; the kubelet sends SIGKILL after terminationGracePeriodSeconds ({grace} s), in the middle of that.",
            Fix = $"Set terminationGracePeriodSeconds to {DefaultGracePeriodSeconds} (at least {needed}).",
            Symptom = $"Whenever a {name} pod stops (rollout, scale-down, node drain), the requests it still serves are cut and its callers log failed calls.",
            Impact = $"Every rollout of {name} drops requests in flight.",
        };

    /// <summary>The drain a service's container is set to (its SHUTDOWN_DRAIN_SECONDS, else the catalog's default); null when it is not a C# service or the value is unreadable (the variables check reports that).</summary>
    static int? DrainSeconds(ServiceSpec spec, V1Container container)
    {
        if (spec.Variables.FirstOrDefault(v => v.Name == "SHUTDOWN_DRAIN_SECONDS") is not { } variable)
        {
            return null;
        }
        var env = container.Env("SHUTDOWN_DRAIN_SECONDS");
        var text = env is null ? variable.Default : env.ValueFrom is null ? env.Value : null;
        return text is not null && ServiceVariables.IsValid(variable, text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : null;
    }

    static string Share(long millicores) => millicores >= 1000
        ? "all"
        : $"{(millicores / 10.0).ToString("0.#", CultureInfo.InvariantCulture)} ms";
}
