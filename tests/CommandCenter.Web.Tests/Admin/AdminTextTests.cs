using CommandCenter.Core.Access;
using CommandCenter.Web.Access;
using Microsoft.AspNetCore.Identity;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>The admin texts name every administrative change, and the names people write for roles are all understood.</summary>
public sealed class AdminTextTests
{
    [Fact]
    public void EveryAdministrativeAuditAction_HasAChineseName()
    {
        var chinese = Hosting.ResourceTexts.Read("AdminText", Hosting.ResourceTexts.Chinese);
        string[] administrative = ["UserCreated", "UserChanged", "UserDisabled", "UserEnabled", "UserUnlocked", "PasswordReset", "PasswordChanged", "ApiKeyCreated", "ApiKeyRevoked", "TeamCreated", "TeamChanged", "TeamRetired", "PolicyVersionCreated", "DivisionImported"];

        var unnamed = administrative.Where(action => !chinese.ContainsKey($"AuditAction_{action}")).ToList();

        Assert.True(unnamed.Count == 0, $"No Chinese name for: {string.Join(", ", unnamed)}");
    }

    [Theory]
    [InlineData("处置员", Role.Staff)]
    [InlineData("Staff", Role.Staff)]
    [InlineData("dutyOfficer", Role.DutyOfficer)]
    [InlineData(" 值班员 ", Role.DutyOfficer)]
    [InlineData("Duty officer", Role.DutyOfficer)]
    [InlineData("管理员", Role.Admin)]
    [InlineData("大屏", Role.Wall)]
    [InlineData("领导", Role.Leader)]
    public void RoleNames_ReadChineseEnglishAndEnumNames(string written, Role role) => Assert.Equal(role, RoleNames.Parse(written));

    [Theory]
    [InlineData("司机")]
    [InlineData("1")]
    [InlineData("")]
    public void RoleNames_SomethingElse_IsNoRole(string written) => Assert.Null(RoleNames.Parse(written));

    [Fact]
    public void OneTimePasswords_HaveEveryClassThePolicyAsksFor_StartWithALetter_AndAvoidLookalikes()
    {
        for (var i = 0; i < 200; i++)
        {
            var password = OneTimePasswords.Generate(new PasswordOptions { RequiredLength = 8 });

            Assert.Equal(12, password.Length);
            Assert.True(password.Any(char.IsAsciiLetterUpper) && password.Any(char.IsAsciiLetterLower) && password.Any(char.IsAsciiDigit), password);
            Assert.Contains(password, c => !char.IsLetterOrDigit(c));
            Assert.True(char.IsAsciiLetter(password[0]), password);
            Assert.DoesNotContain(password, c => "0O1lI".Contains(c, StringComparison.Ordinal));
        }
    }
}
