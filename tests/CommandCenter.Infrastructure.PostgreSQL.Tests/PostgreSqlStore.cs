using System.Runtime.CompilerServices;
using CommandCenter.Infrastructure;
using CommandCenter.Testing;

[assembly: Xunit.AssemblyTrait(TestCategory.Name, TestCategory.PostgreSQL)]

namespace CommandCenter.Infrastructure.Tests;

/// <summary>Every store host of this test assembly runs on PostgreSQL.</summary>
internal static class PostgreSqlStore
{
#pragma warning disable CA2255 // a test assembly, not a library: its hosts must know their engine before the first test
    [ModuleInitializer]
    internal static void Choose() => StoreHost.Provider = StoreProvider.PostgreSQL;
#pragma warning restore CA2255
}
