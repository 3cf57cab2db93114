using CloudMart.ServiceDefaults;
using CloudMart.ApiService;
using CloudMart.AuthService;
using CloudMart.DatabaseService;
using CloudMart.NotificationService;
using CloudMart.OrderService;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CloudMart.Services.Tests;

public sealed class ServiceSettingsTests
{
    internal static ServiceSettings Load(ServiceSpec service, params (string Name, string? Value)[] variables) =>
        ServiceSettings.Load(service, new ConfigurationBuilder()
            .AddInMemoryCollection(variables.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value)))
            .Build());

    /// <summary>The service's options as its setup binds them.</summary>
    static T Bound<T>(ServiceSettings settings) where T : class => settings.Values.Get<T>()!;

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
        Assert.Equal(expected, Bound<DatabaseOptions>(settings).ChaosFailureRate);
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
        Assert.Equal(new Uri("http://database:8080"), Bound<OrderOptions>(settings).DatabaseUrl);
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
        Assert.Equal("data", Bound<DatabaseOptions>(database).DataDir);
        Assert.Equal(0.0, Bound<DatabaseOptions>(database).ChaosFailureRate);
        Assert.Equal("database-service", database.ServiceName);
        Assert.Null(database.Telemetry.OtelExporterOtlpEndpoint);

        var order = Load(ServiceCatalog.Order);
        Assert.Equal(3000, order.Port);
        Assert.Equal(new Uri("http://database-service:8080"), Bound<OrderOptions>(order).DatabaseUrl);
        Assert.Equal(new Uri("http://notification-service:3000"), Bound<OrderOptions>(order).NotificationUrl);

        var api = Load(ServiceCatalog.Api);
        Assert.Equal(new Uri("http://auth-service:3000"), Bound<ApiOptions>(api).AuthServiceUrl);
        Assert.Equal(new Uri("http://order-service:3000"), Bound<ApiOptions>(api).OrderServiceUrl);

        var auth = Load(ServiceCatalog.Auth);
        Assert.Equal(60, Bound<AuthOptions>(auth).TokenLifetimeMinutes);
        Assert.True(Bound<AuthOptions>(auth).AllowGuestCheckout);
        Assert.Null(Bound<AuthOptions>(auth).JwtSigningKey);

        var notification = Load(ServiceCatalog.Notification);
        Assert.Null(Bound<NotificationOptions>(notification).WebhookUrl);
    }

    [Fact]
    public void Set_values_are_trimmed_and_override_the_defaults()
    {
        var settings = Load(ServiceCatalog.Database, ("DB_NAME", " shop "), ("PORT", "9000"), ("OTEL_SERVICE_NAME", "db-primary"));

        Assert.Equal("shop", Bound<DatabaseOptions>(settings).DbName);
        Assert.Equal(9000, settings.Port);
        Assert.Equal("db-primary", settings.ServiceName);
    }

    [Fact]
    public void Reading_a_variable_the_catalog_does_not_declare_is_an_error()
    {
        var settings = Load(ServiceCatalog.Api);
        using var provider = new ServiceCollection()
            .AddOptions<DatabaseOptions>().Bind(settings.Values).CheckedAgainst(settings.Service).Services
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DatabaseOptions>>().Value);
        Assert.Contains("DB_NAME", error.Message);
    }

    /// <summary>Each options class a service binds, with the catalog entry it is checked against.</summary>
    public static TheoryData<string, string> OptionsClasses() => new()
    {
        { nameof(ApiOptions), ServiceNames.Api },
        { nameof(AuthOptions), ServiceNames.Auth },
        { nameof(OrderOptions), ServiceNames.Order },
        { nameof(DatabaseOptions), ServiceNames.Database },
        { nameof(NotificationOptions), ServiceNames.Notification },
        { nameof(HostingOptions), ServiceNames.Api },
        { nameof(TelemetryOptions), ServiceNames.Api },
    };

    [Theory]
    [MemberData(nameof(OptionsClasses))]
    public void Every_property_of_a_services_options_binds_a_variable_its_catalog_entry_declares(string options, string service)
    {
        var spec = ServiceCatalog.Find(service);
        var undeclared = options switch
        {
            nameof(ApiOptions) => CatalogOptions.Undeclared<ApiOptions>(spec),
            nameof(AuthOptions) => CatalogOptions.Undeclared<AuthOptions>(spec),
            nameof(OrderOptions) => CatalogOptions.Undeclared<OrderOptions>(spec),
            nameof(DatabaseOptions) => CatalogOptions.Undeclared<DatabaseOptions>(spec),
            nameof(NotificationOptions) => CatalogOptions.Undeclared<NotificationOptions>(spec),
            nameof(HostingOptions) => CatalogOptions.Undeclared<HostingOptions>(spec),
            _ => CatalogOptions.Undeclared<TelemetryOptions>(spec),
        };
        Assert.Empty(undeclared);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("False", false)]
    public void A_flag_written_as_a_digit_binds_as_the_boolean_it_stands_for(string flag, bool expected)
    {
        Assert.Equal(expected, Bound<AuthOptions>(Load(ServiceCatalog.Auth, ("ALLOW_GUEST_CHECKOUT", flag))).AllowGuestCheckout);
    }

    [Theory]
    [InlineData("DB_NAME", "DbName")]
    [InlineData("PORT", "Port")]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OtelExporterOtlpTracesEndpoint")]
    public void A_variable_binds_the_property_named_by_its_words(string variable, string property)
    {
        Assert.Equal(property, ServiceVariables.PropertyName(variable));
        Assert.Equal(variable, ServiceVariables.VariableName(property));
    }
}
