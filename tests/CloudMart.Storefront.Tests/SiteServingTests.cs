using System.Net;
using CloudMart.ServiceDefaults.Contracts;

namespace CloudMart.Storefront.Tests;

/// <summary>How the gateway serves the storefront's files, and that its own answers stay as they were.</summary>
[Collection(HealthySystem.Name)]
public sealed class SiteServingTests(StorefrontSystem system)
{
    static string SiteFolder => GatewayConfig.SiteDirectory(new LabLayout(TestMachine.RepositoryRoot));

    [Theory]
    [InlineData("/", "text/html", "no-cache")]
    [InlineData("/js/app.js", "text/javascript", "no-cache")]
    [InlineData("/css/shop.css", "text/css", "no-cache")]
    [InlineData("/products.json", "application/json", "no-cache")]
    [InlineData("/images/laptop.svg", "image/svg+xml", "public, max-age=86400")]
    public async Task Site_files_come_with_their_type_cache_rule_and_security_headers(string path, string type, string cacheControl)
    {
        using var response = await system.Http.GetAsync(new Uri(system.Gateway, path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(cacheControl, response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("style-src 'self';", csp);
        Assert.Contains("default-src 'self';", csp);
        Assert.DoesNotContain("unsafe", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task A_page_revalidated_with_its_etag_answers_304()
    {
        using var first = await system.Http.GetAsync(new Uri(system.Gateway, "/"));
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri(system.Gateway, "/"));
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var response = await system.Http.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Theory]
    [InlineData("/nothing-here")]
    [InlineData("/images/")]
    [InlineData("/js")]
    [InlineData("/../nginx.conf")]
    public async Task A_path_that_names_no_site_file_is_a_problem_json_404(string path)
    {
        using var response = await system.Http.GetAsync(new Uri(system.Gateway + path.TrimStart('/')));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, json.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task The_gateways_health_and_api_answers_are_unchanged_and_carry_no_site_headers()
    {
        using var health = await system.Http.GetAsync(new Uri(system.Gateway, "/health"));
        Assert.Equal("{\"status\":\"ok\",\"service\":\"gateway\"}", await health.Content.ReadAsStringAsync());

        // A guest's listing is refused by the api-service: still an API answer, with the API's headers.
        using var orders = await system.Http.GetAsync(new Uri(system.Gateway, "/api/orders?limit=1"));
        Assert.Equal(HttpStatusCode.Unauthorized, orders.StatusCode);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", Assert.Single(orders.Headers.GetValues("traceparent")));
        Assert.False(orders.Headers.Contains("Content-Security-Policy"));
        Assert.False(orders.Headers.CacheControl?.MaxAge is not null);
    }

    [Fact]
    public void Every_catalog_product_is_an_order_the_api_accepts_and_names_a_picture_the_site_ships()
    {
        using var catalog = JsonDocument.Parse(File.ReadAllText(Path.Combine(SiteFolder, "products.json")));
        var products = catalog.RootElement.GetProperty("products").EnumerateArray().ToList();

        Assert.True(products.Count >= 6, $"only {products.Count} products");
        Assert.Equal(products.Count, products.Select(p => p.GetProperty("id").GetString()).Distinct().Count());
        Assert.All(products, product =>
        {
            var id = product.GetProperty("id").GetString();
            Assert.Null(OrderRules.Check(new OrderRequest(id, 1)));
            Assert.True(product.GetProperty("priceCents").GetInt32() > 0);
            Assert.True(product.GetProperty("stock").GetInt32() >= 0);
            Assert.True(File.Exists(Path.Combine(SiteFolder, product.GetProperty("image").GetString()!)), $"{id}: no picture");
        });
    }

    [Fact]
    public void The_local_run_serves_the_repositorys_site_folder_in_place_of_the_images_root()
    {
        var source = File.ReadAllText(new LabLayout(TestMachine.RepositoryRoot).GatewayConfigSource);

        var rendered = GatewayConfig.Render(source, 18080, 13000, "/tmp/x/nginx", SiteFolder);

        Assert.Contains($"root {GatewayConfig.ImageSiteRoot};", source);
        Assert.Contains($"root \"{SiteFolder}\";", rendered);
        Assert.DoesNotContain(GatewayConfig.ImageSiteRoot, rendered);
        Assert.Throws<GatewayConfigException>(() => GatewayConfig.Render(source.Replace($"root {GatewayConfig.ImageSiteRoot};", "root /srv;"), 18080, 13000, "/tmp/x/nginx", SiteFolder));
    }

    [Fact]
    public void The_gateway_image_copies_the_site_to_the_root_nginx_conf_names()
    {
        var dockerfile = File.ReadAllText(Path.Combine(TestMachine.RepositoryRoot, "services", "day-4", "broken-production", "gateway", "Dockerfile"));

        Assert.Contains($"COPY services/day-4/broken-production/gateway/site {GatewayConfig.ImageSiteRoot}\n", dockerfile);
    }
}
