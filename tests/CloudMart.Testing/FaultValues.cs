using CloudMart.Incidents;

namespace CloudMart.Testing;

/// <summary>
/// The incident catalog of the checkout the tests run from, and the value each fault's patch puts
/// in place, so a test or a stand-in cluster names a fault's value without writing it again.
/// </summary>
public static class FaultValues
{
    public static IncidentCatalog Catalog { get; } = IncidentCatalog.For(TestMachine.Repository);

    /// <summary>The one scalar fault <paramref name="id"/>'s patch puts in place (fault 2's image, fault 6's memory limit...).</summary>
    public static string Of(int id) =>
        Catalog.Get(id).BrokenValue ?? throw new InvalidOperationException($"fault {id}'s patch does not put one scalar value in place");
}
