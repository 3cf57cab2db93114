using CloudMart.Incidents;

namespace CloudMart.Cluster.Tests;

/// <summary>
/// A fault.yaml says <c>measured: cluster</c> exactly when a step of these tests stages the fault
/// on the real cluster and waits for its signal; every other fault says <c>mechanism</c>. Needs no
/// cluster: it reads the catalog and the steps' lists.
/// </summary>
public sealed class MeasuredSignalsTests
{
    [Fact]
    public void The_catalog_says_measured_cluster_for_exactly_the_faults_the_cluster_steps_check()
    {
        var catalog = IncidentCatalog.For(TestMachine.Repository);

        var declared = catalog.Faults.Where(f => f.Signal.Measured == "cluster").Select(f => f.Id).Order();

        Assert.Equal(LabFlowTests.MeasuredOnTheCluster.Distinct().Order(), declared);
        Assert.All(catalog.Faults.Where(f => f.Signal.Measured != "cluster"), f => Assert.Equal("mechanism", f.Signal.Measured));
    }
}
