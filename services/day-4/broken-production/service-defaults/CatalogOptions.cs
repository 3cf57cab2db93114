using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CloudMart.ServiceDefaults;

/// <summary>
/// Ties a service's options class to its catalog entry: each settable property must bind a
/// variable the entry declares (by <see cref="ServiceVariables.PropertyName"/>), checked when the
/// host starts, so a misspelt property fails every start with a message naming it instead of
/// silently keeping its type's default.
/// </summary>
public static class CatalogOptions
{
    /// <summary>Checks the options class against <paramref name="service"/>'s variables when the host starts.</summary>
    public static OptionsBuilder<T> CheckedAgainst<[DynamicallyAccessedMembers(
        DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(
        this OptionsBuilder<T> options, ServiceSpec service) where T : class
    {
        options.Services.AddSingleton<IValidateOptions<T>>(new CatalogCheck<T>(service));
        return options.ValidateOnStart();
    }

    /// <summary>The properties of <typeparamref name="T"/> that bind no variable of <paramref name="service"/>.</summary>
    public static IReadOnlyList<string> Undeclared<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(ServiceSpec service) =>
        [.. typeof(T).GetProperties().Where(p => p.CanWrite).Select(p => p.Name)
            .Where(property => !service.Variables.Any(v => ServiceVariables.PropertyName(v.Name) == property))];

    sealed class CatalogCheck<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(ServiceSpec service)
        : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) => Undeclared<T>(service) switch
        {
            [] => ValidateOptionsResult.Success,
            var undeclared => ValidateOptionsResult.Fail(undeclared.Select(property =>
                $"{typeof(T).Name}.{property} reads {ServiceVariables.VariableName(property)}, which the catalog entry of {service.Name} does not declare")),
        };
    }
}
