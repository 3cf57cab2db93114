using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudMart.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace CloudMart.Services.Tests;

/// <summary>The listen address and the drain's variables, and the two health endpoints of a service that is not draining.</summary>
public sealed class ShutdownSettingsTests
{
    static ServiceSettings Load(params (string Name, string? Value)[] variables) =>
        ServiceSettings.Load(ServiceCatalog.Order, new ConfigurationBuilder()
            .AddInMemoryCollection(variables.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value)))
            .Build());

    [Fact]
    public void Unset_the_service_listens_everywhere_and_drains_for_ten_seconds()
    {
        var settings = Load();
        Assert.Null(settings.ListenAddress);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ShutdownDrain);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void An_ip_address_is_where_it_listens(string address) =>
        Assert.Equal(IPAddress.Parse(address), Load(("LISTEN_ADDRESS", address)).ListenAddress);

    [Theory]
    [InlineData("localhost")]
    [InlineData("1")]
    [InlineData("300.1.1.1")]
    public void A_listen_address_that_is_not_a_written_out_ip_is_refused(string address)
    {
        var error = Assert.Throws<ServiceConfigurationException>(() => Load(("LISTEN_ADDRESS", address)));
        Assert.Equal("LISTEN_ADDRESS", error.Variable);
    }

    [Theory]
    [InlineData("21")]
    [InlineData("-1")]
    [InlineData("5s")]
    public void A_drain_beyond_twenty_seconds_or_not_whole_seconds_is_refused(string seconds)
    {
        var error = Assert.Throws<ServiceConfigurationException>(() => Load(("SHUTDOWN_DRAIN_SECONDS", seconds)));
        Assert.Equal("SHUTDOWN_DRAIN_SECONDS", error.Variable);
    }

    [Fact]
    public async Task Alive_and_health_both_answer_200_naming_the_service_and_health_reports_the_shutdown_check()
    {
        await using var factory = new ServiceFactory<NotificationService.Program>(new Dictionary<string, string?>());
        using var http = factory.CreateClient();

        var alive = await http.GetAsync("/alive");
        var health = await http.GetFromJsonAsync<JsonElement>("/health");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("notification-service", (await alive.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("service").GetString());
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("healthy", health.GetProperty("checks").GetProperty("shutdown").GetString());
    }
}
