using System.Diagnostics;
using CloudMart.Catalog;

namespace CloudMart.Lab;

public static partial class LocalRun
{
    /// <summary>
    /// A fresh .NET process compiles each code path the first time it runs it (JIT), which makes
    /// the first order through a just-started system take a second or more. These requests run
    /// the shared paths (the gateway's upstream connection, each service's HTTP client, JSON and
    /// the database read) and store nothing: a sign-in through the gateway, an order listing,
    /// a guest validation and a notifications listing. None of them logs a warning. A failure here does not fail the
    /// start, since every component already answered /health; it is reported.
    /// </summary>
    public static async Task WarmUpAsync(RunningLab lab, Action<LabEvent>? events, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var requests = new (string What, Func<HttpRequestMessage> Request)[]
        {
            // A listing needs a signed-in customer now; the gateway→api path and the order→database read are warmed apart.
            ("POST /api/token through the gateway", () => new HttpRequestMessage(HttpMethod.Post, new Uri(lab.GatewayUrl, "/api/token"))
            {
                Content = new StringContent($$"""{"username":"{{DemoAccounts.Alice.Username}}","password":"{{DemoAccounts.Alice.Password}}"}""",
                    System.Text.Encoding.UTF8, "application/json"),
            }),
            ("GET /orders", () => new HttpRequestMessage(HttpMethod.Get, new Uri(lab[ServiceCatalog.Order.Name].Url, "/orders?limit=1"))),
            ("POST /auth/validate (guest)", () => new HttpRequestMessage(HttpMethod.Post, new Uri(lab[ServiceCatalog.Auth.Name].Url, "/auth/validate"))
            {
                Content = new StringContent("{\"token\":null}", System.Text.Encoding.UTF8, "application/json"),
            }),
            ("GET /notifications", () => new HttpRequestMessage(HttpMethod.Get, new Uri(lab[ServiceCatalog.Notification.Name].Url, "/notifications"))),
        };
        var failed = new List<string>();
        foreach (var (what, request) in requests)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                using var message = request();
                using var response = await WarmUpHttp.SendAsync(message, timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    failed.Add($"{what}: {(int)response.StatusCode}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failed.Add($"{what}: {ex.Message}");
            }
        }
        events?.Invoke(new SystemWarmedUp(clock.Elapsed, failed));
    }

    static readonly HttpClient WarmUpHttp = ToolHttp.Create(Timeout.InfiniteTimeSpan, pooledConnectionLifetime: TimeSpan.FromSeconds(30));
}
