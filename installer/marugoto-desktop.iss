; Inno Setup 6 script of the Windows installer (installer/README.md: how to build and sign it).
;
;   iscc installer\marugoto-desktop.iss          -> dist\marugoto-desktop-VERSION-setup.exe
;
; It packs dist\marugoto-desktop\ as built by `python installer\build.py`; the version comes
; from that program's version resource, which build.py writes from pyproject.toml.

#define AppName "marugoto-desktop"
#define AppTitle "まるごと福祉相談記録"
#define Publisher "Takamatsu City"
#define Exe "marugoto-desktop.exe"
#define Built AddBackslash(SourcePath) + "..\dist\marugoto-desktop"
#if !FileExists(Built + "\" + Exe)
  #error dist\marugoto-desktop\marugoto-desktop.exe is missing: run installer\build.py first
#endif
; "0.1.0" as pyproject.toml says it, and "0.1.0.0" for Windows' own version fields.
#define AppVersion GetStringFileInfo(Built + "\" + Exe, "ProductVersion")
#define FileVersion GetVersionNumbersString(Built + "\" + Exe)

[Setup]
; Never change AppId: it is how a newer installer finds and upgrades the installed program.
AppId={{278672B4-07BB-4778-A6F7-DD61CC5DA645}
AppName={#AppTitle}
AppVersion={#AppVersion}
AppVerName={#AppTitle} {#AppVersion}
AppPublisher={#Publisher}
VersionInfoVersion={#FileVersion}
VersionInfoCompany={#Publisher}
VersionInfoProductName={#AppName}
; Per user (no administrator rights; %LOCALAPPDATA%\Programs) by default; per machine
; (Program Files) when an administrator chooses it in the dialog, or with /ALLUSERS.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
; An upgrade goes where the previous version is, and closes the running program first.
UsePreviousAppDir=yes
CloseApplications=yes
RestartApplications=no
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-setup
SetupIconFile=..\resources\icons\marugoto-desktop.ico
UninstallDisplayIcon={app}\{#Exe}
UninstallDisplayName={#AppTitle}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
#ifdef Sign
; iscc /DSign /Ssigntool="..." (installer/README.md): signs the installer and the uninstaller.
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "japanese"; MessagesFile: "compiler:Languages\Japanese.isl"

[CustomMessages]
japanese.DeleteUserData=このパソコンに保存されている記録（暗号化された保管庫）と設定も削除しますか？%n%n同期していない記録は失われます。ふつうは「いいえ」を選んでください。
japanese.LockPolicyFolder=管理用フォルダーの権限を設定しています…

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; Upgrade in place: the previous version's libraries go first, so that none of them is left
; behind to be loaded by the new program. The person's data is not here (docs/packaging.md).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Built}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Dirs]
; Per machine only: the folder of IT's policy file (policy.toml), which only administrators
; may write. [Run] below resets its owner and permissions, in case someone made it before.
Name: "{commonappdata}\{#AppName}"; Check: IsAdminInstallMode; Flags: uninsneveruninstall

[Icons]
Name: "{autoprograms}\{#AppTitle}"; Filename: "{app}\{#Exe}"; Comment: "{#AppName}"
Name: "{autodesktop}\{#AppTitle}"; Filename: "{app}\{#Exe}"; Tasks: desktopicon

[Run]
; SIDs, not names: group names differ by Windows language. S-1-5-32-544 Administrators,
; S-1-5-18 SYSTEM, S-1-5-32-545 Users (read only).
Filename: "{sys}\icacls.exe"; Parameters: """{commonappdata}\{#AppName}"" /setowner *S-1-5-32-544 /T /C /Q"; Flags: runhidden; Check: IsAdminInstallMode; StatusMsg: "{cm:LockPolicyFolder}"
Filename: "{sys}\icacls.exe"; Parameters: """{commonappdata}\{#AppName}"" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX /T /C /Q"; Flags: runhidden; Check: IsAdminInstallMode; StatusMsg: "{cm:LockPolicyFolder}"
Filename: "{app}\{#Exe}"; Description: "{cm:LaunchProgram,{#AppTitle}}"; Flags: nowait postinstall skipifsilent

[Code]
var
  DeleteUserData: Boolean;

{ /DELETEUSERDATA on the uninstaller's command line (silent removal of the data too). }
function AskedOnCommandLine(const Name: String): Boolean;
var
  I: Integer;
begin
  Result := False;
  for I := 1 to ParamCount do
    if CompareText(ParamStr(I), Name) = 0 then
      Result := True;
end;

function InitializeUninstall(): Boolean;
begin
  Result := True;
  DeleteUserData := AskedOnCommandLine('/DELETEUSERDATA');
  { Asked, default No; a silent uninstall never asks and keeps the data unless told. }
  if not DeleteUserData and not UninstallSilent then
    DeleteUserData := MsgBox(CustomMessage('DeleteUserData'), mbConfirmation,
      MB_YESNO or MB_DEFBUTTON2) = IDYES;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and DeleteUserData then
  begin
    { The vault, the print folder (platform_paths.user_data_dir) and the settings (QSettings)
      of the account that runs the uninstaller. }
    DelTree(ExpandConstant('{localappdata}\{#AppName}'), True, True, True);
    RegDeleteKeyIncludingSubkeys(HKCU, 'Software\{#Publisher}\{#AppName}');
  end;
end;
