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
japanese.PolicyFolderNotLocked=管理用フォルダー（ポリシーファイルの置き場所）の権限を設定できませんでした。管理者にお知らせください。詳しくはセットアップのログにあります。

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
; may write. [Code] below takes its ownership and resets its permissions after the install,
; in case someone made it (and owns it) before.
Name: "{commonappdata}\{#AppName}"; Check: IsAdminInstallMode; Flags: uninsneveruninstall

[Icons]
Name: "{autoprograms}\{#AppTitle}"; Filename: "{app}\{#Exe}"; Comment: "{#AppName}"
Name: "{autodesktop}\{#AppTitle}"; Filename: "{app}\{#Exe}"; Tasks: desktopicon

[Run]
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

{ Runs a system tool hidden; its exit code goes to the setup log. }
function RunTool(const Tool, Params: String): Boolean;
var
  ResultCode: Integer;
begin
  Result := Exec(ExpandConstant('{sys}\') + Tool, Params, '', SW_HIDE,
    ewWaitUntilTerminated, ResultCode) and (ResultCode = 0);
  Log(Format('%s %s -> %d', [Tool, Params, ResultCode]));
end;

{ The policy folder: only administrators may write it, whoever made it first. takeown gives
  it to Administrators (icacls /setowner cannot take what it may not read); /reset /T drops
  every explicit entry below it (a planted Everyone:F, a planted policy.toml's own); then the
  folder itself gets Administrators and SYSTEM full control, Users read, inherited by all in
  it. SIDs, not names: group names differ by Windows language. A failure is said, not hidden. }
procedure LockPolicyFolder();
var
  Folder: String;
begin
  Folder := '"' + ExpandConstant('{commonappdata}\{#AppName}') + '"';
  WizardForm.StatusLabel.Caption := CustomMessage('LockPolicyFolder');
  if not (RunTool('takeown.exe', '/F ' + Folder + ' /A /R /D Y')
      and RunTool('icacls.exe', Folder + ' /reset /T /C /Q')
      and RunTool('icacls.exe', Folder + ' /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F'
        + ' *S-1-5-18:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX /C /Q')) then
    SuppressibleMsgBox(CustomMessage('PolicyFolderNotLocked'), mbError, MB_OK, IDOK);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if (CurStep = ssPostInstall) and IsAdminInstallMode then
    LockPolicyFolder();
end;

function InitializeUninstall(): Boolean;
begin
  Result := True;
  DeleteUserData := AskedOnCommandLine('/DELETEUSERDATA');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  { Asked once the uninstall is confirmed, before anything is removed; default No. A silent
    uninstall never asks, and keeps the data unless told (/DELETEUSERDATA). }
  if (CurUninstallStep = usUninstall) and not DeleteUserData and not UninstallSilent then
    DeleteUserData := MsgBox(CustomMessage('DeleteUserData'), mbConfirmation,
      MB_YESNO or MB_DEFBUTTON2) = IDYES;
  if (CurUninstallStep = usPostUninstall) and DeleteUserData then
  begin
    { The vault, the print folder (platform_paths.user_data_dir) and the settings (QSettings)
      of the account that runs the uninstaller. }
    DelTree(ExpandConstant('{localappdata}\{#AppName}'), True, True, True);
    RegDeleteKeyIncludingSubkeys(HKCU, 'Software\{#Publisher}\{#AppName}');
    RegDeleteKeyIfEmpty(HKCU, 'Software\{#Publisher}');
  end;
end;
