using System.Globalization;
using CommandCenter.Testing;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>
/// A fresh app and data directory per test, with the test's own culture Chinese: the services are called directly
/// here, not through a request, so their messages follow the test thread's culture as they follow a circuit's.
/// </summary>
public abstract class AdminAppTest : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CultureInfo _culture = CultureInfo.CurrentUICulture;

    protected AdminAppTest()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
        App = new CommandCenterApp(SeededStore.CopyInto(_dir.Path));
    }

    protected CommandCenterApp App { get; }

    public void Dispose()
    {
        App.Dispose();
        _dir.Dispose();
        CultureInfo.CurrentUICulture = _culture;
        GC.SuppressFinalize(this);
    }
}
