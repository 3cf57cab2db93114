using CloudMart.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace CloudMart.Services.Tests;

public sealed class ServiceSettingsTests
{
    internal static ServiceSettings Load(ServiceSpec service, params (string Name, string? Value)[] variables) =>
        ServiceSettings.Load(service, new ConfigurationBuilder()
            .AddInMemoryCollection(variables.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value)))
            .Build());

    static ServiceConfigurationException Refused(ServiceSpec service, params (string Name, string? Value)[] variables) =>
        Assert.Throws<ServiceConfigurationException>(() => Load(service, variables));

    [Fact]
    public void A_missing_DB_NAME_is_refused_with_a_message_naming_it()
    {
        var error = Refused(ServiceCatalog.Database);

        Assert.Equal("DB_NAME", error.Variable);
        Assert.Null(error.Value);
        Assert.StartsWith("DB_NAME is not set; expected ", error.Message);
        Assert.Contains("cloudmart-db", error.Message);
    }

    [Fact]
    public void A_blank_DB_NAME_counts_as_missing()
    {
        Assert.Equal("DB_NAME", Refused(ServiceCatalog.Database, ("DB_NAME", "   ")).Variable);
    }

    /// <summary>A DB_NAME that is not a plain name; a PORT that is not from 1 to 65535.</summary>
    [Theory]
    [InlineData(ServiceNames.Database, "DB_NAME", "../etc/passwd")]
    [InlineData(ServiceNames.Database, "DB_NAME", "my db")]
    [InlineData(ServiceNames.Api, "PORT", "0")]
    [InlineData(ServiceNames.Api, "PORT", "70000")]
    [InlineData(ServiceNames.Api, "PORT", "x")]
    [InlineData(ServiceNames.Api, "PORT", "-1")]
    public void A_malformed_value_is_refused_naming_the_variable_and_the_value(string service, string variable, string value)
    {
        var error = Refused(ServiceCatalog.Find(service), (variable, value));
        Assert.Equal(variable, error.Variable);
        Assert.Equal(value, error.Value);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void A_chaos_rate_outside_zero_to_one_or_not_a_number_is_refused(string rate)
    {
        var error = Refused(ServiceCatalog.Database, ("DB_NAME", "cloudmart-db"), ("CHAOS_FAILURE_RATE", rate));

        Assert.Equal("CHAOS_FAILURE_RATE", error.Variable);
        Assert.Contains($"'{rate}'", error.Message);
        Assert.Contains("from 0 to 1", error.Message);
    }

    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("1", 1.0)]
    public void A_chaos_rate_from_zero_to_one_is_accepted(string rate, double expected)
    {
        var settings = Load(ServiceCatalog.Database, ("DB_NAME", "cloudmart-db"), ("CHAOS_FAILURE_RATE", rate));
        Assert.Equal(expected, settings.Rate("CHAOS_FAILURE_RATE"));
    }

    [Theory]
    [InlineData("database:8080")]
    [InlineData("ftp://database-service:8080")]
    [InlineData("http://")]
    [InlineData("/store")]
    public void A_dependency_url_without_an_http_scheme_and_host_is_refused(string url)
    {
        var error = Refused(ServiceCatalog.Order, ("DATABASE_URL", url));

        Assert.Equal("DATABASE_URL", error.Variable);
        Assert.Contains("http://database-service:8080", error.Expected);
    }

    [Fact]
    public void A_well_formed_url_to_a_host_that_does_not_exist_is_accepted_because_only_its_form_is_checked()
    {
        // Fault 3 of the lab: http://database:8080 passes the start-up check and fails only when called.
        var settings = Load(ServiceCatalog.Order, ("DATABASE_URL", "http://database:8080"));
        Assert.Equal(new Uri("http://database:8080"), settings.Url("DATABASE_URL"));
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("yes")]
    public void A_guest_checkout_flag_that_is_not_a_boolean_is_refused(string flag)
    {
        Assert.Equal("ALLOW_GUEST_CHECKOUT", Refused(ServiceCatalog.Auth, ("ALLOW_GUEST_CHECKOUT", flag)).Variable);
    }

    [Fact]
    public void A_signing_key_shorter_than_32_characters_is_refused()
    {
        Assert.Equal("JWT_SIGNING_KEY", Refused(ServiceCatalog.Auth, ("JWT_SIGNING_KEY", "too-short")).Variable);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("ten")]
    public void A_token_lifetime_that_is_not_a_positive_whole_number_is_refused(string minutes)
    {
        Assert.Equal("TOKEN_LIFETIME_MINUTES", Refused(ServiceCatalog.Auth, ("TOKEN_LIFETIME_MINUTES", minutes)).Variable);
    }

    [Fact]
    public void Defaults_apply_to_every_variable_left_unset()
    {
        var database = Load(ServiceCatalog.Database, ("DB_NAME", "cloudmart-db"));
        Assert.Equal(8080, database.Port);
        Assert.Equal("data", database.Text("DATA_DIR"));
        Assert.Equal(0.0, database.Rate("CHAOS_FAILURE_RATE"));
        Assert.Equal("database-service", database.ServiceName);
        Assert.Null(database.OptionalUrl("OTEL_EXPORTER_OTLP_ENDPOINT"));

        var order = Load(ServiceCatalog.Order);
        Assert.Equal(3000, order.Port);
        Assert.Equal(new Uri("http://database-service:8080"), order.Url("DATABASE_URL"));
        Assert.Equal(new Uri("http://notification-service:3000"), order.Url("NOTIFICATION_URL"));

        var api = Load(ServiceCatalog.Api);
        Assert.Equal(new Uri("http://auth-service:3000"), api.Url("AUTH_SERVICE_URL"));
        Assert.Equal(new Uri("http://order-service:3000"), api.Url("ORDER_SERVICE_URL"));

        var auth = Load(ServiceCatalog.Auth);
        Assert.Equal(60, auth.Integer("TOKEN_LIFETIME_MINUTES"));
        Assert.True(auth.Flag("ALLOW_GUEST_CHECKOUT"));
        Assert.Null(auth.Text("JWT_SIGNING_KEY"));

        var notification = Load(ServiceCatalog.Notification);
        Assert.Null(notification.OptionalUrl("WEBHOOK_URL"));
    }

    [Fact]
    public void Set_values_are_trimmed_and_override_the_defaults()
    {
        var settings = Load(ServiceCatalog.Database, ("DB_NAME", " shop "), ("PORT", "9000"), ("OTEL_SERVICE_NAME", "db-primary"));

        Assert.Equal("shop", settings.Text("DB_NAME"));
        Assert.Equal(9000, settings.Port);
        Assert.Equal("db-primary", settings.ServiceName);
    }

    [Fact]
    public void Reading_a_variable_the_catalog_does_not_declare_is_an_error()
    {
        var settings = Load(ServiceCatalog.Api);
        Assert.Throws<InvalidOperationException>(() => settings.Text("DB_NAME"));
    }
}
