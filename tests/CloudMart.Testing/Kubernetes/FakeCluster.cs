using System.Buffers;
using System.Globalization;
using System.Text;
using CloudMart.Diagnosis;
using CloudMart.Diagnosis.Checks;
using CloudMart.Manifests;
using CloudMart.Catalog;
using CloudMart.ServiceDefaults;
using CloudMart.ServiceDefaults.Logging;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using System.Text.Json.Nodes;

namespace CloudMart.Testing.Kubernetes;

/// <summary>
/// The objects a Kubernetes API server would hold for namespace production after
/// <c>kubectl apply -f FOLDER</c> and a few minutes of running: Deployments and Services as applied
/// (with status), pods in the states their spec leads to (a missing required variable crashes the
/// service at start, an image the build does not make cannot be pulled, a liveness probe on a port
/// nobody listens on restarts the container, a memory limit below the need gets it OOM-killed),
/// the EndpointSlices of their Services, the Events the kubelet records, and the containers' logs in
/// the services' own JSON line format. Built from a manifests folder (<see cref="FromFolder"/>, what
/// <c>diagnose</c> reads) or from a scenario set by hand (<see cref="Healthy"/>, <see cref="BrokenLab"/>,
/// what <c>verify</c> checks); <see cref="FakeKubernetesApi"/> serves it.
/// </summary>
public sealed partial class FakeCluster
{
    public const string Namespace = ServiceCatalog.Namespace;

    public List<V1Deployment> Deployments { get; } = [];
    public List<V1Service> Services { get; } = [];
    public List<V1EndpointSlice> EndpointSlices { get; } = [];

    /// <summary>The v1 Endpoints of the Services, which every version serves beside (or, before 1.21, instead of) the slices.</summary>
    public List<V1Endpoints> Endpoints { get; } = [];

    /// <summary>False for a cluster before 1.21, whose API answers 404 for discovery.k8s.io/v1 EndpointSlices.</summary>
    public bool ServesEndpointSlices { get; set; } = true;
    public List<V1Pod> Pods { get; } = [];

    public List<V1NetworkPolicy> NetworkPolicies { get; } = [];
    public List<Corev1Event> Events { get; } = [];

    /// <summary>Log text by (pod, previous container).</summary>
    public Dictionary<(string Pod, bool Previous), List<string>> Logs { get; } = [];

    /// <summary>PodMetrics items; null when metrics-server is not installed (the API answers 404).</summary>
    public List<JsonObject>? Metrics { get; set; } = [];

    /// <summary>The cluster's clock when it was made; the objects' times are set from it.</summary>
    public DateTime Now { get; private init; } = new(2025, 11, 20, 10, 30, 0, DateTimeKind.Utc);

    /// <summary>
    /// Whether the API moves every time forward by the time since <see cref="Now"/>, so the ages a
    /// tool computes are the ones the test set however long the machine took to get there.
    /// </summary>
    public bool ShiftTimesToNow { get; private init; }

    int _ip = 10;

    /// <summary>What the lab's code does, which no manifest says: whether the order-service image retries immediately.</summary>
    public static FakeCluster FromFolder(string folder, bool retryImmediately, Action<ManifestSet>? edit = null)
    {
        var set = ManifestSet.Load(folder);
        edit?.Invoke(set);
        var cluster = new FakeCluster();
        var images = BuiltImages.FromScript(TestMachine.Repository.BuildScript);
        foreach (var deployment in set.Deployments)
        {
            cluster.Deployments.Add(Clone(deployment));
        }
        foreach (var service in set.Services)
        {
            var live = Clone(service);
            live.Spec.ClusterIP = $"10.43.{cluster.Services.Count}.{17 + cluster.Services.Count}";
            cluster.Services.Add(live);
        }
        cluster.NetworkPolicies.AddRange(set.All<V1NetworkPolicy>().Select(Clone));
        foreach (var deployment in cluster.Deployments)
        {
            for (var i = 0; i < (deployment.Spec.Replicas ?? 1); i++)
            {
                cluster.Pods.Add(cluster.Run(deployment, i, set, images, retryImmediately));
            }
            var ready = cluster.Pods.Count(p => p.Metadata.Labels["app"] == deployment.Metadata.Name && PodReady(p));
            deployment.Status = new V1DeploymentStatus
            {
                Replicas = deployment.Spec.Replicas ?? 1,
                ReadyReplicas = ready == 0 ? null : ready,
                AvailableReplicas = ready == 0 ? null : ready,
                UnavailableReplicas = (deployment.Spec.Replicas ?? 1) - ready is var unavailable && unavailable > 0 ? unavailable : null,
                UpdatedReplicas = deployment.Spec.Replicas ?? 1,
            };
        }
        // The api-service passes the order-service's failures on to its callers.
        if (cluster.Logs.Any(l => l.Key.Pod.StartsWith(ServiceCatalog.Order.Name, StringComparison.Ordinal) && l.Value.Any(v => v.Contains("DependencyCallFailed", StringComparison.Ordinal))))
        {
            foreach (var pod in cluster.Pods.Where(p => p.Metadata.Labels["app"] == ServiceCatalog.Api.Name))
            {
                cluster.Log(pod.Metadata.Name, previous: false, Line(ServiceCatalog.Api.Name, "CloudMart.ServiceDefaults.Http.DependencyClient", LogLevel.Error, new EventId(100, "DependencyCallFailed"),
                    "Call to order-service failed: POST http://order-service:3000/orders: 502 Bad Gateway: the order could not be stored",
                    ("Dependency", "order-service"), ("Method", "POST"), ("Url", "http://order-service:3000/orders"), ("Error", "502 Bad Gateway: the order could not be stored")));
            }
        }
        cluster.Route();
        return cluster;
    }

    /// <summary>Recomputes the EndpointSlice and the Endpoints of every Service from the pods, as the two endpoint controllers do.</summary>
    public void Route()
    {
        EndpointSlices.Clear();
        Endpoints.Clear();
        foreach (var service in Services)
        {
            // A pod without an address (not scheduled yet) is no endpoint.
            var selected = Pods.Where(p => ManifestSet.Selects(service.Spec.Selector, p.Metadata.Labels) && p.Status.PodIP is not null).ToList();
            List<V1EndpointAddress> Addresses(bool ready) =>
            [
                .. selected.Where(pod => PodReady(pod) == ready).Select(pod => new V1EndpointAddress
                {
                    Ip = pod.Status.PodIP,
                    NodeName = "k3d-brokenprod-server-0",
                    TargetRef = new V1ObjectReference { Kind = "Pod", Name = pod.Metadata.Name, NamespaceProperty = Namespace },
                }),
            ];
            var (ready, notReady) = (Addresses(true), Addresses(false));
            Endpoints.Add(new V1Endpoints
            {
                Metadata = new V1ObjectMeta { Name = service.Metadata.Name, NamespaceProperty = Namespace },
                // The controller writes no subset when no pod is selected, as `kubectl get endpoints` shows: <none>.
                Subsets = selected.Count == 0 ? null :
                [
                    new V1EndpointSubset
                    {
                        Addresses = ready.Count == 0 ? null : ready,
                        NotReadyAddresses = notReady.Count == 0 ? null : notReady,
                        Ports = [.. service.Spec.Ports.Select(p => new Corev1EndpointPort { Name = p.Name, Port = int.Parse(p.TargetPort.Value, CultureInfo.InvariantCulture), Protocol = "TCP" })],
                    },
                ],
            });
            EndpointSlices.Add(new V1EndpointSlice
            {
                Metadata = new V1ObjectMeta
                {
                    Name = $"{service.Metadata.Name}-{Hash(service.Metadata.Name, 5)}",
                    NamespaceProperty = Namespace,
                    Labels = new Dictionary<string, string>
                    {
                        ["kubernetes.io/service-name"] = service.Metadata.Name,
                        ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io",
                    },
                },
                AddressType = "IPv4",
                // The controller leaves the list out when the selector matches no pod.
                Endpoints = selected.Count == 0 ? null : [.. selected.Select(pod => new V1Endpoint
                {
                    Addresses = [pod.Status.PodIP],
                    Conditions = new V1EndpointConditions { Ready = PodReady(pod), Serving = PodReady(pod), Terminating = false },
                    NodeName = "k3d-brokenprod-server-0",
                    TargetRef = new V1ObjectReference { Kind = "Pod", Name = pod.Metadata.Name, NamespaceProperty = Namespace },
                })],
                Ports = [.. service.Spec.Ports.Select(p => new Discoveryv1EndpointPort { Name = p.Name, Port = int.Parse(p.TargetPort.Value, CultureInfo.InvariantCulture), Protocol = "TCP" })],
            });
        }
    }

    public static bool PodReady(V1Pod pod) => pod.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public V1Pod Pod(string component, int index = 0) => Pods.Where(p => p.Metadata.Labels["app"] == component).ElementAt(index);

    public void Log(string pod, bool previous, params string[] lines)
    {
        if (!Logs.TryGetValue((pod, previous), out var log))
        {
            Logs[(pod, previous)] = log = [];
        }
        log.AddRange(lines);
    }

    public void Event(string type, string reason, string kind, string name, string message, int count = 1) =>
        Events.Add(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = $"{name}.{Events.Count:x8}", NamespaceProperty = Namespace },
            InvolvedObject = new V1ObjectReference { Kind = kind, Name = name, NamespaceProperty = Namespace, ApiVersion = kind == "Pod" ? "v1" : "apps/v1" },
            Reason = reason,
            Message = message,
            Type = type,
            Count = count,
            FirstTimestamp = Now.AddMinutes(-12),
            LastTimestamp = Now.AddSeconds(-20),
            Source = new V1EventSource { Component = "kubelet", Host = "k3d-brokenprod-server-0" },
        });

    /// <summary>One pod of a Deployment, in the state its spec leads to, with its events and logs.</summary>
    V1Pod Run(V1Deployment deployment, int index, ManifestSet set, BuiltImages images, bool retryImmediately)
    {
        var component = deployment.Metadata.Name;
        var spec = ServiceCatalog.All.FirstOrDefault(s => s.Name == component);
        var template = Clone(deployment.Spec.Template);
        var name = $"{component}-{Hash(component, 10)}-{Hash(component + index, 5)}";
        var ip = $"10.42.0.{_ip++}";
        var container = template.Spec.Containers[0];
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = Namespace,
                Labels = template.Metadata.Labels,
                OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = $"{component}-{Hash(component, 10)}", Uid = Guid.NewGuid().ToString(), Controller = true }],
            },
            Spec = template.Spec,
            Status = new V1PodStatus { PodIP = ip, HostIP = "172.18.0.2", StartTime = Now.AddMinutes(-12) },
        };
        var status = new V1ContainerStatus
        {
            Name = container.Name,
            Image = container.Image,
            ImageID = images.Contains(container.Image) ? $"sha256:{Hash(container.Image, 64)}" : "",
            Ready = true,
            Started = true,
            RestartCount = 0,
            State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = Now.AddMinutes(-11) } },
        };
        pod.Status.ContainerStatuses = [status];
        pod.Status.Phase = "Running";
        Event("Normal", "Scheduled", "Pod", name, $"Successfully assigned {Namespace}/{name} to k3d-brokenprod-server-0");

        // The scheduler waits for the pod's claims: one whose storage class does not exist is never provisioned.
        var unboundClaim = (template.Spec.Volumes ?? []).Select(v => v.PersistentVolumeClaim?.ClaimName).OfType<string>()
            .Select(claim => set.All<V1PersistentVolumeClaim>().FirstOrDefault(c => c.Metadata.Name == claim))
            .FirstOrDefault(c => c?.Spec?.StorageClassName is { Length: > 0 } className && className != ManifestChecks.LabStorageClass);
        if (unboundClaim is not null)
        {
            pod.Status = new V1PodStatus
            {
                Phase = "Pending",
                Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims." }],
            };
            Events.RemoveAll(e => e.InvolvedObject.Name == name && e.Reason == "Scheduled");
            Event("Warning", "FailedScheduling", "Pod", name, "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.", 6);
            if (!Events.Any(e => e.InvolvedObject.Name == unboundClaim.Metadata.Name && e.Reason == "ProvisioningFailed"))
            {
                Event("Warning", "ProvisioningFailed", "PersistentVolumeClaim", unboundClaim.Metadata.Name, $"storageclass.storage.k8s.io \"{unboundClaim.Spec.StorageClassName}\" not found", 40);
            }
            return pod;
        }
        var missingSecret = (container.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef)
            .FirstOrDefault(r => r is { Optional: not true } && !set.All<V1Secret>().Any(s => s.Metadata.Name == r.Name));
        var entrypoint = spec is null || spec.Name == ServiceCatalog.Gateway.Name ? null : ManifestChecks.Entrypoint(spec);
        if (!images.Contains(container.Image))
        {
            var message = $"Back-off pulling image \"{container.Image}\"";
            status.Ready = false;
            status.Started = false;
            status.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ImagePullBackOff", Message = message } };
            pod.Status.Phase = "Pending";
            Event("Normal", "Pulling", "Pod", name, $"Pulling image \"{container.Image}\"", 7);
            Event("Warning", "Failed", "Pod", name, $"Failed to pull image \"{container.Image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/{container.Image}\": failed to resolve reference \"docker.io/library/{container.Image}\": docker.io/library/{container.Image}: not found", 7);
            Event("Warning", "Failed", "Pod", name, "Error: ErrImagePull", 7);
            Event("Normal", "BackOff", "Pod", name, message, 40);
            Event("Warning", "Failed", "Pod", name, "Error: ImagePullBackOff", 40);
        }
        else if (missingSecret is not null)
        {
            // The kubelet cannot build the container's environment, so it never creates the container.
            var message = $"secret \"{missingSecret.Name}\" not found";
            status.Ready = false;
            status.Started = false;
            status.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CreateContainerConfigError", Message = message } };
            pod.Status.Phase = "Pending";
            Event("Normal", "Pulled", "Pod", name, $"Container image \"{container.Image}\" already present on machine", 12);
            Event("Warning", "Failed", "Pod", name, $"Error: {message}", 12);
        }
        else if (entrypoint is not null && (container.Command is { Count: > 0 } command && !(command.Count == 1 && command[0] == entrypoint)))
        {
            // containerd cannot exec a program the image does not have: the container ends at once with StartError, exit 128.
            var failure = $"failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"{container.Command[0]}\": executable file not found in $PATH: unknown";
            status.Ready = false;
            status.Started = false;
            status.RestartCount = 6;
            status.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff", Message = $"back-off 5m0s restarting failed container={container.Name} pod={name}_{Namespace}({Guid.NewGuid()})" } };
            status.LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = "StartError", ExitCode = 128, Message = failure, StartedAt = Now.AddMinutes(-3), FinishedAt = Now.AddMinutes(-3) } };
            Event("Normal", "Pulled", "Pod", name, $"Container image \"{container.Image}\" already present on machine", 7);
            Event("Warning", "Failed", "Pod", name, $"Error: {failure}", 7);
            Event("Warning", "BackOff", "Pod", name, $"Back-off restarting failed container {container.Name} in pod {name}_{Namespace}({Guid.NewGuid()})", 30);
        }
        else if (spec is not null && spec.Variables.Count > 0 && StartFailure(spec, container, set) is { } fatal)
        {
            status.Ready = false;
            status.Started = false;
            status.RestartCount = 7;
            status.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff", Message = $"back-off 5m0s restarting failed container={container.Name} pod={name}_{Namespace}({Guid.NewGuid()})" } };
            status.LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = "Error", ExitCode = 1, StartedAt = Now.AddMinutes(-2), FinishedAt = Now.AddMinutes(-2) } };
            Log(name, previous: true, fatal);
            Event("Normal", "Pulled", "Pod", name, $"Container image \"{container.Image}\" already present on machine", 8);
            Event("Warning", "BackOff", "Pod", name, $"Back-off restarting failed container {container.Name} in pod {name}_{Namespace}({Guid.NewGuid()})", 52);
        }
        else
        {
            if (spec is not null)
            {
                Log(name, previous: false, Line(spec.Name, "Microsoft.Hosting.Lifetime", LogLevel.Information, new EventId(14, "ListeningOnAddress"),
                    $"Now listening on: http://[::]:{spec.ContainerPort}", ("address", $"http://[::]:{spec.ContainerPort}")));
            }
            if (spec is not null && container.LivenessProbe?.HttpPort(container) is { } port && port != spec.ContainerPort)
            {
                status.RestartCount = 9;
                status.LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = "Completed", ExitCode = 0, StartedAt = Now.AddMinutes(-2), FinishedAt = Now.AddMinutes(-1) } };
                Event("Warning", "Unhealthy", "Pod", name, $"Liveness probe failed: Get \"http://{ip}:{port}/health\": dial tcp {ip}:{port}: connect: connection refused", 27);
                Event("Normal", "Killing", "Pod", name, $"Container {container.Name} failed liveness probe, will be restarted", 9);
            }
            if (spec is not null && container.ReadinessProbe?.HttpGet is { } readiness && readiness.Path != "/health")
            {
                // Every component answers /health (and /alive) only: any other path is 404 to the kubelet.
                status.Ready = false;
                Event("Warning", "Unhealthy", "Pod", name, "Readiness probe failed: HTTP probe failed with statuscode: 404", 140);
            }
            if (spec is not null && container.MemoryLimitMiB() is { } limit && limit < spec.MemoryNeedMiB)
            {
                status.RestartCount = 4;
                status.LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = "OOMKilled", ExitCode = 137, StartedAt = Now.AddMinutes(-6), FinishedAt = Now.AddMinutes(-5) } };
                Log(name, previous: true, Line(spec.Name, "CloudMart.AuthService", LogLevel.Information, new EventId(31, "GuestSession"), "Guest checkout allowed: session 3f2a9c", ("SessionId", "3f2a9c")));
            }
            if (component == ServiceCatalog.Order.Name)
            {
                Log(name, previous: false, retryImmediately
                    ? Line(component, "CloudMart.OrderService", LogLevel.Information, new EventId(21, "RetryPolicyImmediate"),
                        "Store retry policy: immediate, up to 3 retries with no delay between attempts", ("Retries", 3))
                    : Line(component, "CloudMart.OrderService", LogLevel.Information, new EventId(22, "RetryPolicyBackoff"),
                        "Store retry policy: exponential backoff with jitter, up to 3 retries from 200 ms, 2000 ms per attempt", ("Retries", 3), ("BaseDelayMs", 200), ("TimeoutMs", 2000)));
                var databaseUrl = container.Env?.FirstOrDefault(e => e.Name == "DATABASE_URL")?.Value ?? "";
                if (Uri.TryCreate(databaseUrl, UriKind.Absolute, out var url) && set.ServiceForHost(url.Host) is null)
                {
                    for (var order = 0; order < 3; order++)
                    {
                        var store = $"{databaseUrl.TrimEnd('/')}/store";
                        var error = $"Name or service not known ({url.Host}:{url.Port})";
                        Log(name, previous: false,
                            Line(component, "CloudMart.OrderService", LogLevel.Warning, new EventId(20, "RetryingDependency"), $"Retrying database-service (retry 1) after 0 ms: {error}",
                                ("Dependency", "database-service"), ("Retry", 1), ("DelayMs", 0.0), ("Reason", error)),
                            Line(component, "CloudMart.ServiceDefaults.Http.DependencyClient", LogLevel.Error, new EventId(100, "DependencyCallFailed"),
                                $"Call to database-service failed: POST {store}: {error}", ("Dependency", "database-service"), ("Method", "POST"), ("Url", store), ("Error", error)),
                            Line(component, "CloudMart.OrderService", LogLevel.Error, new EventId(11, "OrderNotStored"),
                                $"Order ord-{order} was not created: database-service is unreachable", ("OrderId", $"ord-{order}"), ("Error", "database-service is unreachable")));
                    }
                }
            }
            if (component == ServiceCatalog.Database.Name
                && double.TryParse(container.Env?.FirstOrDefault(e => e.Name == "CHAOS_FAILURE_RATE")?.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0)
            {
                for (var order = 0; order < 4; order++)
                {
                    Log(name, previous: false, Line(component, "CloudMart.DatabaseService", LogLevel.Error, new EventId(2, "ChaosInjectedFailure"),
                        $"Injected failure: CHAOS_FAILURE_RATE={rate.ToString(CultureInfo.InvariantCulture)} failed the store of order ord-{order} on purpose",
                        ("Rate", rate), ("OrderId", $"ord-{order}")));
                }
            }
        }
        var ready = status.Ready == true;
        pod.Status.Conditions =
        [
            new V1PodCondition { Type = "PodScheduled", Status = "True" },
            new V1PodCondition { Type = "Initialized", Status = "True" },
            new V1PodCondition { Type = "ContainersReady", Status = ready ? "True" : "False" },
            new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" },
        ];
        return pod;
    }

    /// <summary>The FATAL line the service writes when its variables fail its own start-up check, or null.</summary>
    static string? StartFailure(ServiceSpec spec, V1Container container, ManifestSet set)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var env in container.Env ?? [])
        {
            values[env.Name] = env.ValueFrom?.SecretKeyRef is { } secret
                ? set.All<V1Secret>().FirstOrDefault(s => s.Metadata.Name == secret.Name)?.StringData is { } data && data.TryGetValue(secret.Key, out var text) ? text : null
                : env.Value;
        }
        try
        {
            ServiceSettings.Load(spec, new ConfigurationBuilder().AddInMemoryCollection(values).Build());
            return null;
        }
        catch (ServiceConfigurationException ex)
        {
            // Exactly what CloudMartHost writes before exiting with code 1.
            using var output = new MemoryStream();
            JsonLogLine.WriteFatal(output, spec.Name, $"FATAL: {ex.Message}. {spec.Name} cannot start.",
                new Dictionary<string, string?> { ["variable"] = ex.Variable, ["value"] = ex.Value, ["expected"] = ex.Expected });
            return Encoding.UTF8.GetString(output.ToArray()).TrimEnd('\n');
        }
    }

    /// <summary>A log line as the services' JSON formatter writes it.</summary>
    public static string Line(string service, string category, LogLevel level, EventId eventId, string message, params (string Key, object? Value)[] attributes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        IReadOnlyList<KeyValuePair<string, object?>> state = [.. attributes.Select(a => new KeyValuePair<string, object?>(a.Key, a.Value)), new("{OriginalFormat}", message)];
        JsonLogLine.Write(buffer, service, category, level, eventId, state, message, null, null);
        return Encoding.UTF8.GetString(buffer.WrittenSpan).TrimEnd('\n');
    }

    static T Clone<T>(T value) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));

    static string Hash(string text, int length)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return string.Concat(Enumerable.Repeat(hash, 2))[..length];
    }
}
