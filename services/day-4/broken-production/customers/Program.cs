namespace CloudMart.Customers;

/// <summary>The entry point (abstract: never made, but a type the service tests can name).</summary>
public abstract class Program
{
    public static int Main(string[] args) =>
        CloudMartHost.Run(args, TrafficSource.Customers, CustomersSetup.AddServices, _ => { });
}
