using static CloudMart.Services.Tests.TestHttp;

namespace CloudMart.Services.Tests;

/// <summary>A failure two calls deep, as the client reads it from the api-service.</summary>
public sealed class PassedOnFailureTests : IDisposable
{
    readonly ServiceFactory<AuthService.Program> _auth = new(new Dictionary<string, string?>());
    readonly ServiceFactory<OrderService.Program> _order;
    readonly ServiceFactory<ApiService.Program> _api;

    public PassedOnFailureTests()
    {
        // Fault 3 of the lab: the order-service's database address names no Service.
        _order = new(new Dictionary<string, string?> { ["DATABASE_URL"] = "http://database:8080" });
        _api = new(new Dictionary<string, string?>(), services => services
            .RouteDependency(ServiceCatalog.Auth.Name, _auth)
            .RouteDependency(ServiceCatalog.Order.Name, _order));
    }

    [Fact]
    public async Task The_order_services_reason_is_passed_on_inside_one_sentence_with_one_period()
    {
        var response = await _api.CreateClient().PostAsJsonAsync("/api/orders", new { item = "laptop", quantity = 1 });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadGateway);
        Assert.Equal("The order-service call failed: answered 502 Bad Gateway: The database-service call failed: its name did not resolve.", Detail(problem));
    }

    public void Dispose()
    {
        _api.Dispose();
        _order.Dispose();
        _auth.Dispose();
    }
}
