using CloudMart.ServiceDefaults;

namespace CloudMart.Services.Tests;

/// <summary>The listen address and the drain's variables, and the two health endpoints of a service that is not draining.</summary>
public sealed class ShutdownSettingsTests
{
    static ServiceSettings Load(params (string Name, string? Value)[] variables) =>
        ServiceSettingsTests.Load(ServiceCatalog.Order, variables);

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

    /// <summary>Values each variable refuses, by variable.</summary>
    static readonly Dictionary<string, string[]> Malformed = new()
    {
        // Not a written-out IP address.
        ["LISTEN_ADDRESS"] = ["localhost", "1", "300.1.1.1"],
        // Beyond twenty seconds, or not whole seconds.
        ["SHUTDOWN_DRAIN_SECONDS"] = ["21", "-1", "5s"],
    };

    public static TheoryData<string, string> MalformedValues() =>
        TheoryTables.From(Malformed.SelectMany(refused => refused.Value.Select(value => (refused.Key, value))));

    [Theory]
    [MemberData(nameof(MalformedValues))]
    public void A_malformed_listen_address_or_drain_is_refused_naming_its_variable(string variable, string value)
    {
        var error = Assert.Throws<ServiceConfigurationException>(() => Load((variable, value)));
        Assert.Equal(variable, error.Variable);
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
