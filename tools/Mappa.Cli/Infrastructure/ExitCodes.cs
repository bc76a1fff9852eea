namespace Mappa.Cli.Infrastructure;

/// <summary>Exit codes scripts can rely on (documented in docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Other = 1;
    public const int Usage = 2;
    public const int InvalidArgument = 3;
    public const int NotFound = 4;
    public const int PermissionOrAuthentication = 5;
    public const int Unavailable = 6;
    public const int Conflict = 7;
}
