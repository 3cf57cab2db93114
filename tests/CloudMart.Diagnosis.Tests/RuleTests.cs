using CloudMart.Diagnosis.Checks;
using CloudMart.Diagnosis.Live;
using CloudMart.Manifests;
using CloudMart.Catalog;
using k8s.Models;

namespace CloudMart.Diagnosis.Tests;

/// <summary>Each rule alone: a manifest rule, a hardening habit, a pod observation, called directly.</summary>
public class RuleTests
{
    static ManifestSet Broken { get; } = ManifestSet.Load(LabCopy.Repository.BrokenManifestsDir);

    static ManifestSet Solution { get; } = ManifestSet.Load(LabCopy.Repository.SolutionManifestsDir);

    static BuiltImages Images { get; } = BuiltImages.For(LabCopy.Repository);

    [Fact]
    public void A_manifest_rule_alone_finds_its_fault_and_nothing_of_its_siblings()
    {
        var found = ManifestChecks.ProbePorts(Broken, Images).Select(f => f.Classified()).ToList();

        var finding = Assert.Single(found);
        Assert.Equal(4, finding.Fault);
        Assert.Equal(LabFaults.Get(4).Symptom, finding.Symptom);
        Assert.Empty(ManifestChecks.ProbePaths(Broken, Images));
        Assert.Empty(ManifestChecks.ProbesPresent(Broken, Images));
    }

    [Fact]
    public void Every_rule_of_every_check_is_silent_on_the_solution()
    {
        Assert.All(ManifestChecks.All.SelectMany(check => check.Rules), rule => Assert.Empty(rule(Solution, Images)));
    }

    [Fact]
    public void Every_hardening_habit_holds_for_every_component_of_the_solution_and_the_replica_habit_alone_sees_a_changed_count()
    {
        var components = ServiceCatalog.All.Select(spec => new HardenedComponent(spec, Solution.FindContainer(spec.Name)!, Solution.Service(spec.Name))).ToList();
        Assert.All(ManifestChecks.ComponentHabits, habit => Assert.All(components, component => Assert.Empty(habit(component))));

        var api = components.Single(c => c.Name == ServiceCatalog.Api.Name);
        var scaled = api with { Found = api.Found with { Deployment = Scaled(api.Deployment, 3) } };
        var departure = Assert.Single(ManifestChecks.ReplicaCount(scaled));
        Assert.Equal("api-service has 3 replicas; expected 2", departure.Summary);
        Assert.Empty(ManifestChecks.PullPolicy(scaled));
    }

    [Fact]
    public void A_pod_observation_alone_reads_an_oom_kill_under_the_need_as_fault_6()
    {
        var pod = Pod("auth-service-7d9f-x2", "auth-service", "64Mi", new V1ContainerStatus
        {
            Name = "auth-service",
            Image = "auth-service:latest",
            ImageID = "",
            Ready = true,
            RestartCount = 3,
            State = new V1ContainerState { Running = new V1ContainerStateRunning() },
            LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = "OOMKilled", ExitCode = 137 } },
        });
        var view = Assert.Single(PodView.All(Snapshot(pod), Solution, Images));

        var finding = Assert.Single(PodObservations.OomKills(view)).Classified();

        Assert.Equal(6, finding.Fault);
        Assert.Equal("auth-service pod auth-service-7d9f-x2 was OOMKilled (3 restarts) with a memory limit of 64Mi", finding.Summary);
        Assert.Empty(PodObservations.Crashes(view)); // an OOM kill explains the restarts
        Assert.Empty(PodObservations.LivenessRestarts(view));
    }

    static V1Deployment Scaled(V1Deployment deployment, int replicas) =>
        new() { Metadata = deployment.Metadata, Spec = new V1DeploymentSpec { Replicas = replicas, Selector = deployment.Spec.Selector, Template = deployment.Spec.Template } };

    static V1Pod Pod(string name, string component, string memoryLimit, V1ContainerStatus status) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = component } },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = component,
                    Image = $"{component}:latest",
                    Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new(memoryLimit) } },
                },
            ],
        },
        Status = new V1PodStatus { Phase = "Running", ContainerStatuses = [status] },
    };

    static ClusterSnapshot Snapshot(V1Pod pod) => new()
    {
        Server = "https://127.0.0.1:6443",
        Namespace = ServiceCatalog.Namespace,
        Deployments = [.. Solution.Deployments],
        Services = [.. Solution.Services],
        Endpoints = [],
        Pods = [pod],
        Events = [],
        Logs = new Dictionary<string, ContainerLogs>(),
    };
}
