using CloudMart.ServiceDefaults;

namespace CloudMart.Customers;

public sealed class Program
{
    Program()
    {
    }

    public static int Main(string[] args) =>
        CloudMartHost.Run(args, TrafficSource.Customers, CustomersSetup.AddServices, _ => { });
}
