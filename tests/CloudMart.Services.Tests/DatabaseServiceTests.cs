using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CloudMart.Services.Tests;

public sealed class DatabaseServiceTests : IDisposable
{
    readonly string _dataDir = Directory.CreateTempSubdirectory("cloudmart-db-").FullName;
    readonly ServiceFactory<DatabaseService.Program> _factory;

    public DatabaseServiceTests()
    {
        _factory = new(new Dictionary<string, string?> { ["DB_NAME"] = "test-db", ["DATA_DIR"] = _dataDir });
    }

    [Fact]
    public async Task Store_new_order_is_created_and_written_to_the_named_file()
    {
        var client = _factory.CreateClient();
        var response = await client.PostAsJsonAsync("/store", new { id = "o-1", item = "laptop", quantity = 1, timestamp = "2026-11-24T07:00:00Z" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(File.Exists(Path.Combine(_dataDir, "test-db.db")));
    }

    public void Dispose()
    {
        _factory.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }
}
