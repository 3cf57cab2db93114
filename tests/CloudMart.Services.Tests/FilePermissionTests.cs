using CloudMart.DatabaseService.Storage;
using CloudMart.ServiceDefaults.Contracts;

namespace CloudMart.Services.Tests;

/// <summary>The database-service's files on a real disk: readable by its own user only.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FilePermissionTests : IDisposable
{
    const UnixFileMode Folder0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    readonly string _root = Directory.CreateTempSubdirectory("cloudmart-perms-").FullName;

    [Fact]
    public async Task A_new_database_folder_is_0700_and_the_database_and_its_wal_are_0600()
    {
        var folder = Path.Combine(_root, "data");
        var file = Path.Combine(folder, "orders.db");
        using (var store = new OrderStore(file))
        {
            await store.StoreAsync(new Order("o-1", "laptop", 1, DateTimeOffset.UtcNow), CancellationToken.None);

            Assert.Equal(Folder0700, File.GetUnixFileMode(folder));
            Assert.Equal(File0600, File.GetUnixFileMode(file));
            Assert.Equal(File0600, File.GetUnixFileMode(file + "-wal"));
        }
    }

    [Fact]
    public void An_existing_open_folder_and_database_are_made_private_when_the_service_starts()
    {
        var folder = Path.Combine(_root, "old");
        Directory.CreateDirectory(folder, Folder0700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var file = Path.Combine(folder, "orders.db");
        File.WriteAllBytes(file, []);
        File.SetUnixFileMode(file, File0600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        using (new OrderStore(file))
        {
            Assert.Equal(Folder0700, File.GetUnixFileMode(folder));
            Assert.Equal(File0600, File.GetUnixFileMode(file));
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
