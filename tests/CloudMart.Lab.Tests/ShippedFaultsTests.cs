using CloudMart.Catalog;
using CloudMart.Incidents;
using CloudMart.Lab;

namespace CloudMart.Lab.Tests;

/// <summary>
/// <c>up --fault</c> takes each broken value from the broken-production manifests, the files the
/// learner applies: an edit there is what the next local run puts back.
/// </summary>
public sealed class ShippedFaultsTests : IDisposable
{
    readonly TempFolder _root = new();

    static IncidentCatalog Catalog => FaultValues.Catalog;

    /// <summary>The value fault <paramref name="id"/>'s catalog patch puts in place: what broken-production holds.</summary>
    static string Broken(int id) => FaultValues.Of(id);

    [Fact]
    public void The_values_are_those_the_repository_ships()
    {
        var shipped = ShippedFaults.Read(TestMachine.Repository.BrokenManifestsDir);

        Assert.Null(shipped.Variable(ServiceCatalog.Database.Name, "DB_NAME"));
        Assert.Equal(Broken(3), shipped.Variable(ServiceCatalog.Order.Name, "DATABASE_URL"));
        Assert.Equal(Broken(8), shipped.Variable(ServiceCatalog.Database.Name, "CHAOS_FAILURE_RATE"));
        Assert.Equal($"{shipped.MemoryLimitsMiB[ServiceCatalog.Auth.Name]}Mi", Broken(6));
    }

    [Fact]
    public void Changing_a_manifest_changes_what_each_fault_puts_back()
    {
        var repository = CopyOfBrokenManifests(
            (Catalog.Get(3).File!, $"value: {Broken(3)}", "value: http://orders-db:9090"),
            (Catalog.Get(8).File!, $"value: \"{Broken(8)}\"", "value: \"0.25\""),
            (Catalog.Get(6).File!, $"memory: {Broken(6)}", "memory: 48Mi"));
        var selection = Select("all").WithShippedValues(repository);
        var overrides = selection.VariableOverrides();

        Assert.Equal("http://orders-db:9090", overrides[ServiceCatalog.Order.Name]["DATABASE_URL"]);
        Assert.Equal("0.25", overrides[ServiceCatalog.Database.Name]["CHAOS_FAILURE_RATE"]);
        Assert.Equal(48, selection.MemoryLimitMiB(ServiceCatalog.Auth));
        Assert.Null(selection.MemoryLimitMiB(ServiceCatalog.Order));
    }

    [Fact]
    public void A_database_name_put_back_into_the_manifest_means_fault_1_no_longer_stops_the_database()
    {
        var repository = CopyOfBrokenManifests(("06-database-service.yaml", "- name: CHAOS_FAILURE_RATE", "- name: DB_NAME\n              value: orders\n            - name: CHAOS_FAILURE_RATE"));
        var fixedOne = Select("1").WithShippedValues(repository);
        var shipped = Select("1").WithShippedValues(TestMachine.Repository);

        Assert.Equal("orders", fixedOne.VariableOverrides()[ServiceCatalog.Database.Name]["DB_NAME"]);
        Assert.False(fixedOne.ExitsAtStart(ServiceCatalog.Database));
        Assert.True(shipped.ExitsAtStart(ServiceCatalog.Database));
        Assert.Null(shipped.VariableOverrides()[ServiceCatalog.Database.Name]["DB_NAME"]);
    }

    [Fact]
    public void An_auth_service_without_a_memory_limit_is_named_as_the_reason_fault_6_cannot_be_put_back()
    {
        var repository = CopyOfBrokenManifests((Catalog.Get(6).File!, $"memory: {Broken(6)}", ""));

        var failure = Assert.Throws<LabStartException>(() => Select("6").WithShippedValues(repository));

        Assert.Equal(LabFailure.FaultManifests, failure.Failure);
        Assert.Contains("04-auth-service.yaml", failure.Message, StringComparison.Ordinal);
        Assert.Contains("memory limit", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_fault_nothing_is_read_and_the_run_stays_healthy()
    {
        var none = Select().WithShippedValues(new LabRepository(_root.Path));

        Assert.Null(none.Shipped);
        Assert.Null(none.MemoryLimitMiB(ServiceCatalog.Auth));
        Assert.DoesNotContain(ServiceCatalog.Database.Name, none.VariableOverrides().Keys);
    }

    static LabFaultSelection Select(params string[] faults)
    {
        var selection = LabFaultSelection.Parse(faults, out var problem);
        Assert.Null(problem);
        return selection;
    }

    /// <summary>A repository root whose broken-production folder is the real one with each (file, old, new) edit made.</summary>
    LabRepository CopyOfBrokenManifests(params (string File, string Old, string New)[] edits)
    {
        var repository = new LabRepository(_root.Path);
        Directory.CreateDirectory(repository.BrokenManifestsDir);
        foreach (var file in Directory.GetFiles(TestMachine.Repository.BrokenManifestsDir))
        {
            File.Copy(file, Path.Combine(repository.BrokenManifestsDir, Path.GetFileName(file)));
        }
        foreach (var (file, old, replacement) in edits)
        {
            var path = Path.Combine(repository.BrokenManifestsDir, file);
            var text = File.ReadAllText(path);
            Assert.Contains(old, text, StringComparison.Ordinal);
            File.WriteAllText(path, text.Replace(old, replacement, StringComparison.Ordinal));
        }
        return repository;
    }

    public void Dispose() => _root.Dispose();
}
