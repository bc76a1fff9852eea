using Microsoft.Extensions.Options;

namespace Mappa.Security;

/// <summary>Refuses to start with unusable or unsafe token settings, listing every problem at once.</summary>
internal sealed class MappaAuthOptionsValidation : IValidateOptions<MappaAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, MappaAuthOptions options)
    {
        var problems = SigningKeyRing.FindProblems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
