using Xunit.Sdk;

namespace CloudMart.Cluster.Tests.Support;

/// <summary>Runs a class's tests in the order of their names (Step1_…, Step2_…): each one takes the cluster from where the one before left it.</summary>
public sealed class StepOrderer : ITestCaseOrderer
{
    public const string TypeName = "CloudMart.Cluster.Tests.Support.StepOrderer";

    public const string AssemblyName = "CloudMart.Cluster.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}
