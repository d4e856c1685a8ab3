using CommandCenter.Testing;
using Microsoft.Extensions.Configuration;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// The settings files a production server reads carry no secret: passwords, API keys, tokens and connection strings
/// come from environment variables or user secrets (README, "Run it for a real city"). Development's demo keys stay
/// in appsettings.Development.json, which Production never reads.
/// </summary>
public sealed class SecretsInSettingsTests
{
    private static readonly string[] SecretWords = ["password", "secret", "token", "apikey", "connectionstring", "key"];

    [Fact]
    public void SettingsFilesReadOutsideDevelopment_HoldNoSecretValue()
    {
        var web = Path.Combine(RepositoryPaths.Root, "src", "CommandCenter.Web");
        var files = Directory.GetFiles(web, "appsettings*.json").Where(f => !f.EndsWith(".Development.json", StringComparison.Ordinal)).ToList();
        Assert.Contains(files, f => Path.GetFileName(f) == "appsettings.json");

        var settings = new ConfigurationBuilder().SetBasePath(web);
        foreach (var file in files)
        {
            settings.AddJsonFile(Path.GetFileName(file));
        }

        var secrets = settings.Build().AsEnumerable()
            .Where(setting => !string.IsNullOrEmpty(setting.Value))
            .Where(setting => setting.Key.Split(':').Any(part => SecretWords.Any(word => part.Replace("_", "").Contains(word, StringComparison.OrdinalIgnoreCase))))
            .Select(setting => setting.Key)
            .ToList();
        Assert.Empty(secrets);
    }
}
