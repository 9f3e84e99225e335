<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/about.py" line="39"/>
        <source>About marugoto-desktop</source>
        <translation>このアプリについて</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/about.py" line="47"/>
        <source>Built %1 from commit %2.</source>
        <translation>%1 にコミット %2 から作成。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/about.py" line="50"/>
        <source>Running from the source code.</source>
        <translation>ソースコードから実行中です。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/about.py" line="53"/>
        <source>Case records for the all-round welfare consultants of Takamatsu City.</source>
        <translation>高松市まるごと福祉相談員の支援記録アプリです。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/about.py" line="57"/>
        <source>Licences</source>
        <translation>ライセンス</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/about.py" line="60"/>
        <source>Qt and Qt for Python (PySide6): GNU LGPL version 3. They are separate, replaceable files in the program&apos;s folder. Source: %1 and %2</source>
        <translation>Qt と Qt for Python（PySide6）：GNU LGPL 第3版。プログラムのフォルダーに別ファイルとして置かれ、差し替えできます。ソースコード：%1 と %2</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/about.py" line="66"/>
        <source>BIZ UDGothic and BIZ UDPGothic (Morisawa): SIL Open Font License 1.1.</source>
        <translation>BIZ UDゴシック・BIZ UDPゴシック（モリサワ）：SIL Open Font License 1.1。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/about.py" line="69"/>
        <source>Python and the other libraries: each under its own licence, listed in full below and in %1 beside the program.</source>
        <translation>Python とその他のライブラリ：それぞれのライセンスによります。全文は下と、プログラムと同じフォルダーの %1 にあります。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/about.py" line="74"/>
        <source>The source code of this program is kept by Takamatsu City; your IT department can give you a copy of the version above.</source>
        <translation>このプログラムのソースコードは高松市が保管しています。上記の版の写しは情報システム担当から受け取れます。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/about.py" line="87"/>
        <source>Third-party licences</source>
        <translation>第三者ライセンス</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/about.py" line="91"/>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
</context>
<context>
    <name>ActivityDialog</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/activity.py" line="51"/>
        <source>New activity</source>
        <translation>新しい活動記録</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/activity.py" line="54"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/activity.py" line="68"/>
        <source>Your name (filled in from then on)</source>
        <translation>お名前（次回から自動で入ります）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/activity.py" line="74"/>
        <source>Save (Ctrl+S)</source>
        <translation>保存（Ctrl+S）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/activity.py" line="75"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/activity.py" line="108"/>
        <source>Not saved</source>
        <translation>保存できませんでした</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/activity.py" line="122"/>
        <source>Unsaved changes</source>
        <translation>保存していない変更</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/activity.py" line="123"/>
        <source>This activity is not saved. Discard it?</source>
        <translation>この活動記録は保存されていません。破棄しますか？</translation>
    </message>
</context>
<context>
    <name>AgenciesPage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="27"/>
        <source>Registering area</source>
        <translation>登録エリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="32"/>
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="33"/>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="34"/>
        <source>Area</source>
        <translation>エリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="35"/>
        <source>Phone</source>
        <translation>電話</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="38"/>
        <source>Add agency</source>
        <translation>機関を追加</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="43"/>
        <source>Area that registers a new agency</source>
        <translation>新しい機関を登録するエリア</translation>
    </message>
</context>
<context>
    <name>AgencySheetDialog</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="180"/>
        <source>Face sheet for an agency</source>
        <translation>関係機関向けフェイスシート</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="184"/>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="198"/>
        <source>Agency</source>
        <translation>関係機関</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="188"/>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="199"/>
        <source>Purpose</source>
        <translation>目的</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="192"/>
        <source>Only the members and issues that the household&apos;s valid consents cover for this agency and purpose are printed; the sheet says that the rest was withheld.</source>
        <translation>この関係機関とこの目的について、世帯の有効な同意が及ぶ世帯員と課題だけを印刷します。それ以外を伏せたことはシートに明記されます。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="203"/>
        <source>Print</source>
        <translation>印刷</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="204"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="220"/>
        <source>Choose the agency and the purpose.</source>
        <translation>関係機関と目的を選んでください。</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/app.py" line="102"/>
        <source>Cannot start</source>
        <translation>起動できません</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/app.py" line="103"/>
        <source>The settings file your IT department placed on this computer cannot be read, so the app does not start. Tell your IT department:
%1</source>
        <translation>情報システム担当がこのパソコンに置いた設定ファイルを読み取れないため、アプリを起動できません。情報システム担当に次の内容を伝えてください：
%1</translation>
    </message>
</context>
<context>
    <name>AreaChoice</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/area_choice.py" line="26"/>
        <source>Areas covered</source>
        <translation>集計するエリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/area_choice.py" line="36"/>
        <source>City-wide meetings</source>
        <translation>全市の会議</translation>
    </message>
</context>
<context>
    <name>Backup</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/backup.py" line="27"/>
        <location filename="../../src/marugoto_desktop/ui/backup.py" line="28"/>
        <source>No backup was made: %1</source>
        <translation>バックアップを作成できませんでした：%1</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/backup.py" line="48"/>
        <source>Create backup</source>
        <translation>バックアップを作成</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/backup.py" line="52"/>
        <source>Backups (*.mbk)</source>
        <translation>バックアップ (*.mbk)</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/backup.py" line="50"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/backup.py" line="72"/>
        <source>Backup written to %1. It opens with the passphrase.</source>
        <translation>バックアップを %1 に作成しました。パスフレーズで開けます。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/backup.py" line="81"/>
        <source>No backup</source>
        <translation>バックアップなし</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/backup.py" line="88"/>
        <source>Creating backup…</source>
        <translation>バックアップを作成しています…</translation>
    </message>
</context>
<context>
    <name>Busy</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/background.py" line="107"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/background.py" line="108"/>
        <source>Cancel the running work</source>
        <translation>実行中の処理を中止</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/background.py" line="141"/>
        <source>Stopping…</source>
        <translation>中止しています…</translation>
    </message>
</context>
<context>
    <name>ChecklistField</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/forms.py" line="141"/>
        <source>Not on this laptop (another area&apos;s): %1</source>
        <translation>この端末にない他エリアの記録: %1</translation>
    </message>
</context>
<context>
    <name>DayDialog</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="231"/>
        <source>Day&apos;s report</source>
        <translation>業務日報</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="235"/>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="248"/>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="236"/>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="238"/>
        <source>Only what %1 recorded</source>
        <translation>%1 さんの記録だけ</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="240"/>
        <source>Only my activities (set your name in 設定)</source>
        <translation>自分の記録だけ（「設定」で名前を登録してください）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="253"/>
        <source>Print</source>
        <translation>印刷</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="254"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="273"/>
        <source>Type a date such as 2025-04-01.</source>
        <translation>日付は 2025-04-01 のように入力してください。</translation>
    </message>
</context>
<context>
    <name>FileDialog</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/file_dialogs.py" line="43"/>
        <source>Folder:</source>
        <translation>フォルダ:</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/file_dialogs.py" line="45"/>
        <source>File name:</source>
        <translation>ファイル名:</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/file_dialogs.py" line="48"/>
        <source>Look in:</source>
        <translation>場所:</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/file_dialogs.py" line="50"/>
        <source>Files of type:</source>
        <translation>ファイルの種類:</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/file_dialogs.py" line="52"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
</context>
<context>
    <name>FirstRunPage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="205"/>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="271"/>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="304"/>
        <source>Vault folder</source>
        <translation>保管庫フォルダ</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="206"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="210"/>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="272"/>
        <source>Passphrase</source>
        <translation>パスフレーズ</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="214"/>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="274"/>
        <source>Passphrase again</source>
        <translation>パスフレーズ（確認）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="218"/>
        <source>Your name</source>
        <translation>お名前</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="220"/>
        <source>Office recovery public key file</source>
        <translation>事務所の回復用公開鍵ファイル</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="221"/>
        <source>The public key file from the office (.pem)</source>
        <translation>事務所から受け取った公開鍵ファイル（.pem）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="224"/>
        <source>Remember the passphrase. If it is forgotten, only the office recovery key can open these records; without a recovery key nothing can, and they are lost.</source>
        <translation>パスフレーズを忘れないでください。忘れた場合、記録を開けるのは事務所の回復用の鍵だけです。回復用の鍵がなければ誰にも開けず、記録は失われます。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="232"/>
        <source>Connect to the office server now</source>
        <translation>今すぐ事務所のサーバーに接続する</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="235"/>
        <source>e.g. %1</source>
        <translation>例 %1</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="237"/>
        <source>Server address</source>
        <translation>サーバーのアドレス</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="239"/>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="248"/>
        <source>User name</source>
        <translation>ユーザー名</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="242"/>
        <source>Server password</source>
        <translation>サーバーのパスワード</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="244"/>
        <source>CA certificate file</source>
        <translation>CA 証明書ファイル</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="247"/>
        <source>Server</source>
        <translation>サーバー</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="249"/>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="250"/>
        <source>CA file (optional)</source>
        <translation>CA 証明書（任意）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="256"/>
        <source>Create the vault</source>
        <translation>保管庫を作成</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="259"/>
        <source>Try with demo data</source>
        <translation>デモデータで試す</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="262"/>
        <source>Open an existing vault…</source>
        <translation>既存の保管庫を開く…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="275"/>
        <source>Recovery key (optional)</source>
        <translation>回復用の鍵（任意）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="276"/>
        <source>Your name (as recorder)</source>
        <translation>お名前（記録者）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="286"/>
        <source>Start a new vault</source>
        <translation>新しい保管庫を作る</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="310"/>
        <source>Too short: at least %1 characters.</source>
        <translation>短すぎます：%1 文字以上にしてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="311"/>
        <source>Weak: a longer passphrase is safer.</source>
        <translation>弱い：もっと長いパスフレーズが安全です。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="312"/>
        <source>Fair: a few more words make it strong.</source>
        <translation>普通：もう少し長くすると強くなります。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="313"/>
        <source>Strong.</source>
        <translation>強い。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="317"/>
        <source>At least %1 characters; a few words are easy to remember.</source>
        <translation>%1 文字以上。いくつかの言葉をつなげると覚えやすく安全です。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="333"/>
        <source>The passphrase must be at least %1 characters long.</source>
        <translation>パスフレーズは %1 文字以上にしてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="340"/>
        <source>The two passphrases differ. Type the same one twice.</source>
        <translation>2つのパスフレーズが違います。同じものを2回入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="375"/>
        <source>Creating the vault…</source>
        <translation>保管庫を作成しています…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="383"/>
        <source>To connect now, fill in the server, user name and password.</source>
        <translation>今すぐ接続するには、サーバー・ユーザー名・パスワードを入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="411"/>
        <source>Making the demo records…</source>
        <translation>デモデータを作成しています…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="436"/>
        <source>The recovery key file could not be read.</source>
        <translation>回復用の鍵ファイルを読み込めませんでした。</translation>
    </message>
</context>
<context>
    <name>FolderDialog</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="54"/>
        <source>Choose</source>
        <translation>選択</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="76"/>
        <source>Due</source>
        <translation>期日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="76"/>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="80"/>
        <source>Household</source>
        <translation>世帯</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="76"/>
        <source>What</source>
        <translation>種別</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="76"/>
        <source>Next step</source>
        <translation>次の対応</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="80"/>
        <source>Referred</source>
        <translation>連携日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="80"/>
        <source>Agency</source>
        <translation>関係機関</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="80"/>
        <source>Waiting</source>
        <translation>待ち日数</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="84"/>
        <source>Follow-ups due and overdue</source>
        <translation>期限切れ・本日期限のフォロー</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="86"/>
        <source>Planned visits</source>
        <translation>予定している訪問</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="88"/>
        <source>Referrals awaiting acknowledgement</source>
        <translation>関係機関の受理待ちの連携</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="102"/>
        <source>Due and overdue</source>
        <translation>期限切れ・本日期限</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="103"/>
        <source>Planned in the next two weeks</source>
        <translation>今後2週間の予定</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="110"/>
        <source>Referrals awaiting the agency&apos;s reply</source>
        <translation>関係機関の返事待ちの連携</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="111"/>
        <source>Sync</source>
        <translation>同期</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="147"/>
        <source>Due and overdue: reading…</source>
        <translation>期限切れ・期限間近：読み込み中…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="181"/>
        <source>Due and overdue (%1, of which %2 overdue)</source>
        <translation>期限切れ・期限間近（%1 件、うち期限切れ %2 件）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="185"/>
        <source>Due and overdue: nothing</source>
        <translation>期限切れ・期限間近：ありません</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="188"/>
        <source>Planned in the next two weeks (%1)</source>
        <translation>今後2週間の予定（%1 件）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="153"/>
        <source>Changes not yet sent: %1</source>
        <translation>未送信の変更：%1 件</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="206"/>
        <source>%1 (%2 days late)</source>
        <translation>%1（%2 日超過）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="208"/>
        <source>%1 (today)</source>
        <translation>%1（今日）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="210"/>
        <source>%1 (tomorrow)</source>
        <translation>%1（明日）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="239"/>
        <source>%1 days</source>
        <translation>%1 日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="226"/>
        <source>Referral</source>
        <translation>連携</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/home.py" line="231"/>
        <source>Visit</source>
        <translation>訪問</translation>
    </message>
</context>
<context>
    <name>HouseholdDetailView</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="224"/>
        <source>New activity (Ctrl+N)</source>
        <translation>活動記録を追加（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="226"/>
        <source>Copy address</source>
        <translation>住所をコピー</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="228"/>
        <source>Print</source>
        <translation>印刷</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="232"/>
        <source>Face sheet (Ctrl+P)</source>
        <translation>フェイスシート（Ctrl+P）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="233"/>
        <source>Face sheet for an agency…</source>
        <translation>関係機関向けフェイスシート…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="234"/>
        <source>Activity record of the chosen activity</source>
        <translation>選んだ活動の活動記録票</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="238"/>
        <source>Transfer to another area…</source>
        <translation>他のエリアへ転居・引継ぎ…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="265"/>
        <source>Access history</source>
        <translation>アクセス履歴</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="288"/>
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="289"/>
        <source>Kana</source>
        <translation>ふりがな</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="290"/>
        <source>Relationship</source>
        <translation>続柄</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="291"/>
        <source>Born</source>
        <translation>生年月日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="293"/>
        <source>Age</source>
        <translation>年齢</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="296"/>
        <source>Add member</source>
        <translation>世帯員を追加</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="305"/>
        <source>Main</source>
        <translation>主訴</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="306"/>
        <source>Category</source>
        <translation>分類</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="307"/>
        <source>Identified</source>
        <translation>把握日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="308"/>
        <source>Resolved</source>
        <translation>解決日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="309"/>
        <source>Note</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="313"/>
        <source>Add issue</source>
        <translation>課題を追加</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="322"/>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="342"/>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="379"/>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="323"/>
        <source>Kind</source>
        <translation>種別</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="324"/>
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="326"/>
        <source>By</source>
        <translation>記録者</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="330"/>
        <source>New activity</source>
        <translation>新しい活動記録</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="343"/>
        <source>Agency</source>
        <translation>関係機関</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="344"/>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="345"/>
        <source>Status</source>
        <translation>状況</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="346"/>
        <source>Follow-up</source>
        <translation>フォロー予定日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="351"/>
        <source>Add referral</source>
        <translation>連携を追加</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="360"/>
        <source>Person</source>
        <translation>同意者</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="361"/>
        <source>Granted</source>
        <translation>同意日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="363"/>
        <source>Purposes</source>
        <translation>目的</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="367"/>
        <source>Withdrawn</source>
        <translation>撤回日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="370"/>
        <source>Add consent</source>
        <translation>同意を追加</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="380"/>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="381"/>
        <source>Basis</source>
        <translation>根拠</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="382"/>
        <source>Title</source>
        <translation>件名</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="656"/>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="674"/>
        <source>Transfer to another area</source>
        <translation>他のエリアへ転居・引継ぎ</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="657"/>
        <source>The area the household moves to:</source>
        <translation>移るエリア：</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="676"/>
        <source>Move this household, with its members, issues, activities, referrals and consents, from %1 to %2? At their next sync, the laptops of %2 receive it and those of %1 let it go.</source>
        <translation>この世帯を、世帯員・課題・活動記録・連携・同意とともに %1 から %2 へ移しますか？次の同期で、%2 の端末に届き、%1 の端末からは消えます。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="253"/>
        <source>Basic</source>
        <translation>基本情報</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="135"/>
        <source>an area not known here</source>
        <translation>不明なエリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="143"/>
        <source>Moved to this area on %1 (転居・引継ぎ); where from is not known on this computer.</source>
        <translation>%1 にこのエリアへ転居・引継ぎされました（転居元のエリアは、このパソコンではわかりません）。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="148"/>
        <source>Moved here from %1 on %2 (転居・引継ぎ).</source>
        <translation>%2 に%1から転居・引継ぎされました。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="256"/>
        <source>Members</source>
        <translation>世帯員</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="257"/>
        <source>Issues</source>
        <translation>課題</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="258"/>
        <source>Activities</source>
        <translation>活動記録</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="259"/>
        <source>Referrals</source>
        <translation>連携</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="260"/>
        <source>Consents</source>
        <translation>同意</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="261"/>
        <source>Meetings</source>
        <translation>会議</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="267"/>
        <source>Choose a household from the list, or search with Ctrl+F.</source>
        <translation>一覧から世帯を選ぶか、Ctrl+F で検索してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="559"/>
        <source>New household</source>
        <translation>新しい世帯</translation>
    </message>
</context>
<context>
    <name>HouseholdPicker</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="74"/>
        <source>Link to a household</source>
        <translation>世帯にひも付ける</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="77"/>
        <source>Search by name, kana, address or phone</source>
        <translation>氏名・ふりがな・住所・電話で検索</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="78"/>
        <source>Search households</source>
        <translation>世帯を検索</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="81"/>
        <source>Household</source>
        <translation>世帯</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="81"/>
        <source>Kana</source>
        <translation>ふりがな</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="81"/>
        <source>Address</source>
        <translation>住所</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="87"/>
        <source>Link</source>
        <translation>ひも付ける</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="88"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="92"/>
        <source>Households of %1. Once linked, the record stays with the household.</source>
        <translation>%1 の世帯です。ひも付けた記録はその世帯のものになり、元には戻せません。</translation>
    </message>
</context>
<context>
    <name>HouseholdTableModel</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/models.py" line="177"/>
        <source>Household</source>
        <translation>世帯</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/models.py" line="178"/>
        <source>Kana</source>
        <translation>ふりがな</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/models.py" line="179"/>
        <source>Area</source>
        <translation>エリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/models.py" line="180"/>
        <source>Status</source>
        <translation>状況</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/models.py" line="181"/>
        <source>Members</source>
        <translation>世帯員数</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/models.py" line="182"/>
        <source>Address</source>
        <translation>住所</translation>
    </message>
</context>
<context>
    <name>HouseholdsPage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/households.py" line="67"/>
        <source>Search by name, kana, address or phone (Ctrl+F)</source>
        <translation>氏名・ふりがな・住所・電話で検索（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/households.py" line="68"/>
        <source>Search households</source>
        <translation>世帯を検索</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/households.py" line="73"/>
        <source>All areas</source>
        <translation>すべてのエリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/households.py" line="74"/>
        <source>Area filter</source>
        <translation>エリアで絞り込み</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/households.py" line="76"/>
        <source>Any status</source>
        <translation>すべての状況</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/households.py" line="78"/>
        <source>Status filter</source>
        <translation>状況で絞り込み</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/households.py" line="80"/>
        <source>Any issue</source>
        <translation>すべての課題</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/households.py" line="82"/>
        <source>Issue filter</source>
        <translation>課題で絞り込み</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/households.py" line="85"/>
        <source>New household</source>
        <translation>新しい世帯</translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/marugoto_desktop/ui/households.py" line="211"/>
        <source>%n household(s)</source>
        <translation>
            <numerusform>%n 世帯</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/households.py" line="214"/>
        <source>%1 of %2 households</source>
        <translation>%2 世帯中 %1 世帯</translation>
    </message>
</context>
<context>
    <name>Importing</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="26"/>
        <source>This line is not JSON Lines (one record a line).</source>
        <translation>この行は JSON Lines（1行に1件の記録）になっていません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="27"/>
        <source>This line is too long.</source>
        <translation>この行は長すぎます。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="28"/>
        <source>This line is not one record.</source>
        <translation>この行は1件の記録になっていません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="29"/>
        <source>This line is not UTF-8 text. Save the file as UTF-8 and try again.</source>
        <translation>この行は UTF-8 の文字ではありません。ファイルを UTF-8 で保存してから、もう一度取り込んでください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="36"/>
        <source>The same record is already on line %1.</source>
        <translation>同じ記録が %1 行目にもあります。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="40"/>
        <source>An empty value is written as null: leave it out instead.</source>
        <translation>空の値が null と書かれています。空の項目は書かずに省いてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="44"/>
        <source>Line %1</source>
        <translation>%1 行目</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="46"/>
        <source>A line</source>
        <translation>ある行</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="62"/>
        <source>…and %1 more.</source>
        <translation>…ほか %1 件。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="63"/>
        <source>Nothing was imported. Correct these lines and import the file again:</source>
        <translation>何も取り込んでいません。次の行を直してから、もう一度取り込んでください：</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="70"/>
        <source>The file could not be read: %1</source>
        <translation>ファイルを読み込めませんでした：%1</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="78"/>
        <source>Imported: %1 new, %2 changed, %3 unchanged.</source>
        <translation>取り込みました：新規 %1 件、変更 %2 件、変更なし %3 件。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="91"/>
        <source>%1 meeting(s) of the file name %n household(s) this computer does not hold. They are kept as the meetings name them, as households of areas this computer does not hold: their records, and the consent a 重層的支援会議 needs, are checked on a computer that holds their area (the office&apos;s).</source>
        <translation>会議 %1 件が、このパソコンにない世帯 %n 件を検討世帯に挙げています。このパソコンが持たないエリアの世帯として、挙げられたとおりに残しました。その世帯の記録と、重層的支援会議に要る同意は、その世帯のエリアを持つパソコン（事務所のもの）で確認されます。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="119"/>
        <source>Import records</source>
        <translation>記録の取り込み</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="122"/>
        <source>JSON Lines (*.jsonl *.json *.txt)</source>
        <translation>JSON Lines（*.jsonl *.json *.txt）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="121"/>
        <source>Import</source>
        <translation>取り込む</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="148"/>
        <source>Imported</source>
        <translation>取り込みました</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="161"/>
        <source>Not imported</source>
        <translation>取り込めませんでした</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/importing.py" line="170"/>
        <source>Importing…</source>
        <translation>取り込んでいます…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="228"/>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="375"/>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="404"/>
        <source>Marugoto welfare records</source>
        <translation>まるごと福祉 相談記録</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="282"/>
        <source>Find household</source>
        <translation>世帯を検索</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="285"/>
        <source>New activity</source>
        <translation>新しい活動記録</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="288"/>
        <source>Import records (JSON Lines)…</source>
        <translation>記録を取り込む（JSON Lines）…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="291"/>
        <source>Create backup…</source>
        <translation>バックアップを作成…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="293"/>
        <source>Lock</source>
        <translation>ロック</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="295"/>
        <source>Lock and quit</source>
        <translation>ロックして終了</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="300"/>
        <source>Print what is shown</source>
        <translation>表示中のものを印刷</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="306"/>
        <source>Activity record of the chosen activity</source>
        <translation>選んだ活動の活動記録票</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="312"/>
        <source>Face sheet of the household</source>
        <translation>世帯のフェイスシート</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="315"/>
        <source>Face sheet for an agency…</source>
        <translation>関係機関向けフェイスシート…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="318"/>
        <source>Day&apos;s report…</source>
        <translation>業務日報…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="327"/>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="335"/>
        <source>&amp;Print</source>
        <translation>印刷(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="346"/>
        <source>About marugoto-desktop…</source>
        <translation>このアプリについて…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="348"/>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="418"/>
        <source>The office server answers: syncing by itself.</source>
        <translation>事務所のサーバーにつながりました。自動で同期しています。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="451"/>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="491"/>
        <source>Open a household first (Ctrl+F).</source>
        <translation>先に世帯を開いてください（Ctrl+F）。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="502"/>
        <source>Choose an activity on the household&apos;s timeline first.</source>
        <translation>先に世帯の活動記録で活動を選んでください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="533"/>
        <source>Opened for printing. The copy is removed when you lock or quit.</source>
        <translation>印刷用に開きました。この写しはロックまたは終了のときに消去されます。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="538"/>
        <source>Not printed</source>
        <translation>印刷できません</translation>
    </message>
</context>
<context>
    <name>MeetingsPage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="76"/>
        <source>City-wide</source>
        <translation>全市</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="77"/>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="103"/>
        <source>Area of a new meeting</source>
        <translation>新しい会議のエリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="82"/>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="84"/>
        <source>Area</source>
        <translation>エリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="86"/>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="87"/>
        <source>Basis</source>
        <translation>根拠</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="88"/>
        <source>Title</source>
        <translation>件名</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="92"/>
        <source>New meeting</source>
        <translation>新しい会議</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="148"/>
        <source>A 重層的支援会議 may discuss only households whose person concerned has consented. No valid consent on %1 for: %2. Record the consent first, remove the household, or hold a 支援会議 instead.</source>
        <translation>重層的支援会議で検討できるのは、本人の同意がある世帯だけです。%1 時点で有効な同意がない世帯：%2。先に同意を記録するか、その世帯を外すか、支援会議として開いてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="159"/>
        <source>No household on this computer has these ids (deleted, or never recorded): %1. Remove them from the households discussed.</source>
        <translation>次の ID の世帯はこのパソコンにありません（削除されたか、記録されたことがありません）：%1。検討世帯から外してください。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="169"/>
        <source>重層的支援会議: every household chosen on this computer has valid consent on %1. The consent of the %n household(s) of other areas, not on this computer, is checked where they are held.</source>
        <translation>
            <numerusform>重層的支援会議：選んだ世帯のうちこのパソコンにある世帯は、すべて %1 時点で有効な同意があります。このパソコンにない他のエリアの世帯 %n 件の同意は、その世帯を持つエリアで確認されます。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/directory.py" line="179"/>
        <source>重層的支援会議: every household chosen has valid consent on %1.</source>
        <translation>重層的支援会議：選んだ世帯はすべて %1 時点で有効な同意があります。</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="55"/>
        <source>Please fill this in.</source>
        <translation>入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="56"/>
        <source>Type a date such as 2025-04-01.</source>
        <translation>日付は 2025-04-01 のように入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="57"/>
        <source>Type a time such as 09:30.</source>
        <translation>時刻は 09:30 のように入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="94"/>
        <source>Too long: at most %1 characters.</source>
        <translation>長すぎます：%1 文字以内にしてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="58"/>
        <source>Type a whole number.</source>
        <translation>整数で入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="68"/>
        <source>This date is before the first date.</source>
        <translation>この日付が開始の日付より前になっています。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="69"/>
        <source>A 重層的支援会議 needs the consent of each household discussed. Record the consent first, or choose 支援会議.</source>
        <translation>重層的支援会議には、検討する各世帯の同意が必要です。先に同意を記録するか、支援会議を選んでください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="74"/>
        <source>A 重層的支援会議 relies on this consent. Change that meeting first.</source>
        <translation>この同意をもとにした重層的支援会議があります。先にその会議を変更してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="90"/>
        <source>The record chosen here no longer exists or belongs to another household.</source>
        <translation>ここで選んだ記録は存在しないか、別の世帯のものです。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="77"/>
        <source>Other records refer to this one. Change them first.</source>
        <translation>ほかの記録がこの記録を参照しています。先にそちらを変更してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="78"/>
        <source>This cannot be changed once saved.</source>
        <translation>保存後は変更できません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="64"/>
        <source>Choose one of the listed values.</source>
        <translation>一覧から選んでください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="42"/>
        <source>record type</source>
        <translation>記録の種類</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="43"/>
        <source>record id</source>
        <translation>記録ID</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="44"/>
        <source>area</source>
        <translation>エリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="45"/>
        <source>household or parent record</source>
        <translation>世帯（親の記録）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="59"/>
        <source>Tick the box or leave it empty.</source>
        <translation>チェックを入れるか、空けておいてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="60"/>
        <source>Type text here.</source>
        <translation>文字で入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="61"/>
        <source>This text holds characters that cannot be kept. Type it again.</source>
        <translation>保存できない文字が含まれています。入力し直してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="65"/>
        <source>Choose one of the listed areas.</source>
        <translation>一覧からエリアを選んでください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="66"/>
        <source>Choose from the list.</source>
        <translation>一覧から選んでください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="67"/>
        <source>The same entry is chosen twice.</source>
        <translation>同じものが2回選ばれています。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="79"/>
        <source>The area must be the household&apos;s. Move the household instead.</source>
        <translation>エリアは世帯のエリアと同じでなければなりません。変える場合は世帯ごと移してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="82"/>
        <source>This kind of record belongs to no household.</source>
        <translation>この種類の記録は世帯に属しません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="83"/>
        <source>This kind of record has no such item.</source>
        <translation>この種類の記録にはこの項目がありません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="84"/>
        <source>This kind of record is not known.</source>
        <translation>この種類の記録はありません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="85"/>
        <source>This is not a record id.</source>
        <translation>記録IDになっていません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="98"/>
        <source>Too many: at most %1.</source>
        <translation>多すぎます：%1 個までです。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="103"/>
        <source>Type a whole number from %1 to %2.</source>
        <translation>%1 から %2 までの整数で入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="110"/>
        <source>This date is before %1 (%2).</source>
        <translation>この日付が%1（%2）より前になっています。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="114"/>
        <source>Check this value.</source>
        <translation>この値を確認してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="119"/>
        <source>The passphrase is wrong.</source>
        <translation>パスフレーズが違います。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="121"/>
        <source>There is no vault in this folder.</source>
        <translation>このフォルダには保管庫がありません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="123"/>
        <source>A vault already exists in this folder. Open it instead.</source>
        <translation>このフォルダにはすでに保管庫があります。そちらを開いてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="125"/>
        <source>The disk is full: nothing was saved. Free some space on the disk, then try again.</source>
        <translation>ディスクがいっぱいのため、何も保存されていません。ディスクの空きを作ってから、もう一度お試しください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="130"/>
        <source>The vault is open in another window or program. Close it first.</source>
        <translation>保管庫は別のウィンドウかプログラムで開かれています。先にそちらを閉じてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="134"/>
        <source>The vault is damaged or has been tampered with. Contact your administrator.</source>
        <translation>保管庫のデータが壊れているか、改ざんされています。管理者に連絡してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="139"/>
        <source>The vault is locked. Unlock it again.</source>
        <translation>保管庫はロックされています。もう一度開いてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="141"/>
        <source>The record is no longer there (deleted, perhaps by a sync).</source>
        <translation>記録が見つかりません（削除されたか、同期で取り除かれた可能性があります）。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="143"/>
        <source>This folder cannot be written to. Choose another folder.</source>
        <translation>このフォルダには書き込めません。別のフォルダを選んでください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="145"/>
        <source>The folder could not be used: %1</source>
        <translation>フォルダを使えませんでした：%1</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="148"/>
        <source>Something went wrong. Try again; if it happens again, tell the office.</source>
        <translation>問題が起きました。もう一度お試しください。繰り返し起きる場合は事務所に連絡してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="156"/>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="157"/>
        <source>permission denied</source>
        <translation>アクセスが許可されていません</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="158"/>
        <source>the disk is read-only</source>
        <translation>ディスクが読み取り専用です</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="159"/>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="160"/>
        <source>the disk is full</source>
        <translation>ディスクの空きがありません</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="161"/>
        <source>it does not exist</source>
        <translation>見つかりません</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="162"/>
        <source>a file is where a folder should be</source>
        <translation>フォルダの場所にファイルがあります</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="163"/>
        <source>a folder is where a file should be</source>
        <translation>ファイルの場所にフォルダがあります</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="164"/>
        <source>something is already there</source>
        <translation>同じ名前のものがすでにあります</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="165"/>
        <source>the name is too long</source>
        <translation>名前が長すぎます</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="166"/>
        <source>the disk could not be read or written</source>
        <translation>ディスクの読み書きができませんでした</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="167"/>
        <source>it is in use by another program</source>
        <translation>ほかのプログラムが使用中です</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="174"/>
        <source>system error %1</source>
        <translation>システムエラー %1</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/messages.py" line="175"/>
        <source>the file could not be used</source>
        <translation>ファイルを使えませんでした</translation>
    </message>
</context>
<context>
    <name>OutreachPage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="128"/>
        <source>Gathering kind</source>
        <translation>会合の種類</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="130"/>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="214"/>
        <source>Area</source>
        <translation>エリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="132"/>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="168"/>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="215"/>
        <source>Place</source>
        <translation>場所</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="134"/>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="166"/>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="216"/>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="142"/>
        <source>+1 person</source>
        <translation>＋1人</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="147"/>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="193"/>
        <source>−1</source>
        <translation>−1</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="155"/>
        <source>Concerns heard (without names; link to a household later)</source>
        <translation>気になったこと（名前は書かずに。世帯とのひも付けは後で）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="157"/>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="170"/>
        <source>Concerns</source>
        <translation>気になったこと</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="158"/>
        <source>Save the gathering</source>
        <translation>会合を記録</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="169"/>
        <source>People</source>
        <translation>人数</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="176"/>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="236"/>
        <source>Recent gatherings</source>
        <translation>最近の会合</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="326"/>
        <source>%1 people at this gathering.</source>
        <translation>この会合は %1 人になりました。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="350"/>
        <source>Linked: it is now in the household&apos;s timeline.</source>
        <translation>ひも付けました。世帯の活動記録に入りました。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="167"/>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="213"/>
        <source>Kind</source>
        <translation>種別</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="179"/>
        <source>Link to a household…</source>
        <translation>世帯にひも付ける…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="182"/>
        <source>When a concern turns out to be about a household, file it there.</source>
        <translation>気になったことが特定の世帯のことだと分かったら、その世帯の記録に移します。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="189"/>
        <source>+1 person to the chosen gathering</source>
        <translation>選んだ会合に +1 人</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="195"/>
        <source>−1 person from the chosen gathering</source>
        <translation>選んだ会合から −1 人</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="200"/>
        <source>At a gathering: choose its kind and place, press +1 for each person you talk with (or the + key), note what worried you without naming anyone, then save. To go on counting at a gathering already saved, choose it on the right and tap +1 there. When a concern turns out to be about a household, choose the gathering on the right and link it to that household.</source>
        <translation>会合では、種別と場所を選び、話した人ごとに +1（または + キー）を押し、気になったことを名前を出さずに書いて保存します。保存済みの会合で数え続けるときは、右の一覧でその会合を選び、そこの +1 を押します。気になったことが特定の世帯のことだと分かったら、右の一覧で会合を選び、その世帯にひも付けます。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/outreach.py" line="274"/>
        <source>Saved: %1 people.</source>
        <translation>記録しました：%1 人。</translation>
    </message>
</context>
<context>
    <name>Policy</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/policy_fields.py" line="12"/>
        <source>Set by your IT department</source>
        <translation>情報システム担当が設定しています</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/policy_fields.py" line="31"/>
        <source>At most %1 minutes: %2</source>
        <translation>最長 %1 分（%2）</translation>
    </message>
</context>
<context>
    <name>Printing</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="54"/>
        <source>the household has no consent on record.</source>
        <translation>この世帯には同意の記録がありません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="55"/>
        <source>no consent of the household names this agency.</source>
        <translation>この関係機関を含む同意がありません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="58"/>
        <source>the consents name this agency, but not for this purpose.</source>
        <translation>同意にこの関係機関は含まれていますが、この目的は含まれていません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="61"/>
        <source>the consent that would cover it starts later.</source>
        <translation>該当する同意の同意日がまだ来ていません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="62"/>
        <source>the consent that covered it has been withdrawn.</source>
        <translation>該当する同意は撤回されています。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="63"/>
        <source>the consent was given by someone no longer in the household.</source>
        <translation>同意した人が現在の世帯員ではありません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="67"/>
        <source>Nothing may be shared with this agency for this purpose: %1</source>
        <translation>この関係機関にこの目的で提供できる情報はありません：%1</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="76"/>
        <source>The record is no longer there (deleted, perhaps by a sync).</source>
        <translation>記録が見つかりません（削除されたか、同期で取り除かれた可能性があります）。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="80"/>
        <source>The document could not be written: %1</source>
        <translation>帳票を書き出せませんでした：%1</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="83"/>
        <source>The document could not be made. Try again; if it happens again, tell the office.</source>
        <translation>書類を作成できませんでした。もう一度お試しください。繰り返し起きる場合は事務所に連絡してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="140"/>
        <source>Making the activity record…</source>
        <translation>活動記録票を作成中…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="153"/>
        <source>Making the face sheet…</source>
        <translation>フェイスシートを作成中…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="162"/>
        <source>Making the day&apos;s report…</source>
        <translation>業務日報を作成中…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/printing.py" line="169"/>
        <source>Making the report of the figures…</source>
        <translation>実績報告を作成中…</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/app.py" line="59"/>
        <source>Folder</source>
        <comment>All other platforms</comment>
        <translation>フォルダー</translation>
    </message>
</context>
<context>
    <name>RecordForm</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/forms.py" line="276"/>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/forms.py" line="278"/>
        <source>e.g. 14:30</source>
        <translation>例 14:30</translation>
    </message>
</context>
<context>
    <name>RecordsTab</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/records_tab.py" line="85"/>
        <source>New</source>
        <translation>新規</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/records_tab.py" line="87"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/records_tab.py" line="89"/>
        <location filename="../../src/marugoto_desktop/ui/records_tab.py" line="273"/>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/records_tab.py" line="221"/>
        <source>Unsaved changes</source>
        <translation>保存していない変更</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/records_tab.py" line="222"/>
        <source>This record has changes that are not saved. Discard them?</source>
        <translation>この記録には保存していない変更があります。破棄しますか？</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/records_tab.py" line="274"/>
        <source>Delete this record? It can be restored from the command line.</source>
        <translation>この記録を削除しますか？（コマンドラインから復元できます）</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="58"/>
        <source>Fiscal year or period</source>
        <translation>年度または期間</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="61"/>
        <source>From</source>
        <translation>開始日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="62"/>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="66"/>
        <source>YYYY-MM-DD</source>
        <translation>年-月-日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="65"/>
        <source>To</source>
        <translation>終了日</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="69"/>
        <source>Show</source>
        <translation>集計</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="73"/>
        <source>Save as PDF…</source>
        <translation>PDF で保存…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="76"/>
        <source>Save as CSV…</source>
        <translation>CSV で保存…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="79"/>
        <source>Print (Ctrl+P)</source>
        <translation>印刷（Ctrl+P）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="112"/>
        <source>Period</source>
        <translation>期間</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="123"/>
        <source>Areas</source>
        <translation>エリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="155"/>
        <source>Period…</source>
        <translation>期間を指定…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="179"/>
        <source>Type both days as dates (YYYY-MM-DD), the first on or before the last.</source>
        <translation>開始日と終了日を 2025-04-01 のように入力してください（開始日は終了日以前）。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="200"/>
        <source>Counting…</source>
        <translation>集計中…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="215"/>
        <source>Counting the figures…</source>
        <translation>実績を集計中…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="241"/>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="286"/>
        <source>Consultations</source>
        <translation>相談対応</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="320"/>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="322"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="351"/>
        <source>Saved: %1</source>
        <translation>保存しました：%1</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="356"/>
        <source>Saving…</source>
        <translation>保存中…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="361"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF ファイル (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/reports_page.py" line="366"/>
        <source>CSV (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="75"/>
        <source>Your name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="77"/>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="118"/>
        <source>Your area</source>
        <translation>担当エリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="81"/>
        <source> min</source>
        <translation> 分</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="82"/>
        <source>Lock after idle minutes</source>
        <translation>操作がないときにロックするまでの分数</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="88"/>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="122"/>
        <source>Text size</source>
        <translation>文字の大きさ</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="95"/>
        <source>CA certificate file</source>
        <translation>CA 証明書ファイル</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="97"/>
        <source>e.g. %1</source>
        <translation>例 %1</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="98"/>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="127"/>
        <source>Proxy</source>
        <translation>プロキシ</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="99"/>
        <source>Sync by itself when the office server answers</source>
        <translation>事務所のサーバーにつながったら自動で同期する</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="101"/>
        <source>Sync by itself</source>
        <translation>自動で同期</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="104"/>
        <source>While unlocked, the server is asked once a minute; when it answers, a sync starts as if you pressed 同期 — arriving at the office is enough.</source>
        <translation>ロック解除中は1分ごとにサーバーを確かめ、つながると「同期」を押したときと同じ同期が始まります。事務所に着くだけで同期されます。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="111"/>
        <source>Save settings</source>
        <translation>設定を保存</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="115"/>
        <source>You</source>
        <translation>あなた</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="117"/>
        <source>Your name (prefilled as recorder)</source>
        <translation>氏名（記録者として自動入力）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="119"/>
        <source>Safety and view</source>
        <translation>安全と表示</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="121"/>
        <source>Lock after idle</source>
        <translation>操作がないときのロック</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="123"/>
        <source>Office server</source>
        <translation>事務所のサーバー</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="125"/>
        <source>Server</source>
        <translation>サーバー</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="126"/>
        <source>CA file</source>
        <translation>CA 証明書</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="129"/>
        <source>Recovery</source>
        <translation>回復</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="158"/>
        <source>%1 (user %2)</source>
        <translation>%1（ユーザー %2）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="163"/>
        <source>Not connected. Connect on the 同期 screen.</source>
        <translation>未接続です。「同期」画面で接続してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="167"/>
        <source>The office recovery key can reopen this vault if the passphrase is forgotten. Ask the office; it keeps the key offline.</source>
        <translation>パスフレーズを忘れても、事務所の回復用の鍵でこの保管庫を開けます。事務所に相談してください（鍵はオフラインで保管されています）。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="174"/>
        <source>This vault has no office recovery key: if the passphrase is forgotten, the records cannot be opened.</source>
        <translation>この保管庫には事務所の回復用の鍵がありません。パスフレーズを忘れると記録を開けなくなります。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="191"/>
        <source>The proxy is written as host:port, e.g. %1.</source>
        <translation>プロキシは「ホスト名:ポート番号」の形で入力してください（例 %1）。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/settings_page.py" line="202"/>
        <source>Saved.</source>
        <translation>保存しました。</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="113"/>
        <source>Sync was stopped. What was sent or received so far is kept.</source>
        <translation>同期を中止しました。それまでに送受信した分は保存されています。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="116"/>
        <source>The server cannot be reached. Your work is kept on this laptop; sync again at the office.</source>
        <translation>サーバーに接続できません。記録はこのパソコンに保存されています。事務所でもう一度同期してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="121"/>
        <source>The server address must start with https://.</source>
        <translation>サーバーのアドレスは https:// で始めてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="122"/>
        <source>Your IT department allows only its own server on this computer.</source>
        <translation>このパソコンでは、情報システム担当が指定したサーバーとしか同期できません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="125"/>
        <source>The user name or password is wrong.</source>
        <translation>ユーザー名かパスワードが違います。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="126"/>
        <source>The server no longer accepts this laptop. Connect it again.</source>
        <translation>サーバーがこのパソコンを受け付けなくなりました。もう一度接続してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="129"/>
        <source>This laptop was revoked by the office; its records were erased. Ask the office.</source>
        <translation>このパソコンは事務所で無効にされ、記録は消去されました。事務所に問い合わせてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="133"/>
        <source>This laptop was retired by the office: everything it had not sent was sent, and its records were erased from it.</source>
        <translation>事務所の指示でこのパソコンの利用を終了しました。未送信の記録はすべて送信し、このパソコンの記録は消去しました。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="138"/>
        <source>The office asked this laptop to retire, but some work is of an area you may no longer change and could not be sent. Nothing was erased; tell the office.</source>
        <translation>事務所からこのパソコンの利用終了が指示されましたが、変更できなくなったエリアの記録が送信できませんでした。何も消去していません。事務所に連絡してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="143"/>
        <source>This app is too old for the server. Install the new version.</source>
        <translation>このアプリはサーバーに対して古すぎます。新しい版を入れてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="146"/>
        <source>Some records are in an area you may no longer change.</source>
        <translation>変更できなくなったエリアの記録があります。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="149"/>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="498"/>
        <source>This laptop is not connected to a server yet.</source>
        <translation>このパソコンはまだサーバーに接続していません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="150"/>
        <source>This laptop is already connected to a server.</source>
        <translation>このパソコンはすでにサーバーに接続しています。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="151"/>
        <source>This laptop&apos;s clock is wrong. Set the date and time, then sync again.</source>
        <translation>このパソコンの時計がずれています。日付と時刻を直してから同期してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="154"/>
        <source>Type the 6-digit one-time code your authenticator app shows now, then connect again.</source>
        <translation>認証アプリに今表示されている6桁の確認コードを入力して、もう一度接続してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="158"/>
        <source>The one-time code is wrong or was used already. Wait for the next code in the app and type it.</source>
        <translation>確認コードが違うか、すでに使われています。アプリに次のコードが表示されてから入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="163"/>
        <source>A one-time code has 6 digits, as the authenticator app shows it.</source>
        <translation>確認コードは、認証アプリに表示される6桁の数字です。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="166"/>
        <source>Too many attempts. Wait a minute and try again.</source>
        <translation>試行が多すぎます。少し待ってからやり直してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="191"/>
        <source>Not synced yet.</source>
        <translation>まだ同期していません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="204"/>
        <source>The server did not accept this laptop&apos;s audit trail; tell the office.</source>
        <translation>サーバーがこのパソコンの監査記録を受け付けませんでした。事務所に連絡してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="219"/>
        <source>Type a whole number.</source>
        <translation>整数で入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="220"/>
        <source>Type ○ (yes) or × (no).</source>
        <translation>○（はい）か ×（いいえ）で入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="222"/>
        <source>This edit can only be kept or taken, not rewritten.</source>
        <translation>この変更は、どちらかを選ぶことだけができます。新しい値は書けません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="224"/>
        <source>This was settled already, here or by a sync.</source>
        <translation>この件はすでに解決されています（この端末か、同期で）。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="227"/>
        <source>Check this value.</source>
        <translation>この値を確認してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="264"/>
        <source>%1 (this laptop)</source>
        <translation>%1 さん（このパソコン）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="266"/>
        <source>This laptop</source>
        <translation>このパソコン</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="269"/>
        <source>%1 (device %2)</source>
        <translation>%1 さん（端末 %2）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="274"/>
        <source>Another laptop (device %1)</source>
        <translation>別のパソコン（端末 %1）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="258"/>
        <source>Written by %1 at %2</source>
        <translation>%1が %2 に記録</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="283"/>
        <source>the household is deleted</source>
        <translation>世帯は削除されています</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="285"/>
        <source>the household is kept</source>
        <translation>世帯は残っています</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="289"/>
        <source>the record is deleted</source>
        <translation>記録は削除されています</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="291"/>
        <source>the record is kept</source>
        <translation>記録は残っています</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="299"/>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="329"/>
        <source>e.g. %1</source>
        <translation>例 %1</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="331"/>
        <source>Server address</source>
        <translation>サーバーのアドレス</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="333"/>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="353"/>
        <source>User name</source>
        <translation>ユーザー名</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="336"/>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="354"/>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="338"/>
        <source>CA certificate file</source>
        <translation>CA 証明書ファイル</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="343"/>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="355"/>
        <source>One-time code</source>
        <translation>確認コード</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="345"/>
        <source>The 6-digit code your authenticator app shows now</source>
        <translation>認証アプリに今表示されている6桁の数字</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="349"/>
        <source>Connect</source>
        <translation>接続</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="352"/>
        <source>Server</source>
        <translation>サーバー</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="356"/>
        <source>CA file (optional)</source>
        <translation>CA 証明書（任意）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="360"/>
        <source>Connect this laptop to the office server</source>
        <translation>このパソコンを事務所のサーバーに接続</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="365"/>
        <source>Sync now</source>
        <translation>今すぐ同期</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="368"/>
        <source>Stop</source>
        <translation>中止</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="385"/>
        <source>Conflicts to review</source>
        <translation>確認が必要な同時編集</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="387"/>
        <source>The value that won</source>
        <translation>同期で残った値</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="604"/>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="611"/>
        <source>The record deleted</source>
        <translation>記録を削除</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="606"/>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="609"/>
        <source>The record kept</source>
        <translation>記録を残す</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="616"/>
        <source>(the left one)</source>
        <translation>（左の値）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="617"/>
        <source>(the right one)</source>
        <translation>（右の値）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="618"/>
        <source>(a value written since)</source>
        <translation>（その後に書かれた値）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="621"/>
        <source>Now in the records: %1 %2</source>
        <translation>いま記録にある値：%1%2</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="635"/>
        <source>Settled.</source>
        <translation>解決済みです。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="391"/>
        <source>The other edit</source>
        <translation>もう一方の編集</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="94"/>
        <source>The CA certificate file %1 does not exist.</source>
        <translation>CA証明書のファイル %1 がありません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="95"/>
        <source>%1 is a folder, not a CA certificate file.</source>
        <translation>%1 はフォルダです。CA証明書のファイルを選んでください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="96"/>
        <source>The CA certificate file %1 could not be read.</source>
        <translation>CA証明書のファイル %1 を読み込めませんでした。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="97"/>
        <source>%1 is not a CA certificate (choose the file the office gives).</source>
        <translation>%1 はCA証明書ではありません（事務所から渡された証明書ファイルを選んでください）。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="100"/>
        <source>The CA certificate file this laptop was connected with, %1, is gone. Choose the office&apos;s CA file in 設定.</source>
        <translation>接続時に使ったCA証明書のファイル %1 が見つかりません。設定で事務所のCA証明書を選んでください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="405"/>
        <source>Keep this</source>
        <translation>こちらを残す</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="407"/>
        <source>Take this</source>
        <translation>こちらを採用</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="410"/>
        <source>Or write a new value</source>
        <translation>または新しい値を入力</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="411"/>
        <source>New value</source>
        <translation>新しい値</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="412"/>
        <source>Save the new value</source>
        <translation>新しい値で保存</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="443"/>
        <source>Edits made at the same time</source>
        <translation>同時に行われた編集</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="446"/>
        <source>Nothing to review: no edits made at the same time, no records to correct.</source>
        <translation>確認が必要なものはありません（同時に行われた編集も、直す必要のある記録もありません）。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="455"/>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="457"/>
        <source>Records that no longer fit together</source>
        <translation>整合しなくなった記録</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="461"/>
        <source>Open each record and correct it; export waits until they are fixed.</source>
        <translation>それぞれの記録を開いて直してください。直すまで書き出しはできません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="492"/>
        <source>Server: %1 (user %2)</source>
        <translation>サーバー：%1（ユーザー %2）</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="506"/>
        <source>Changes not yet sent: %1</source>
        <translation>未送信の変更：%1 件</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="534"/>
        <source>Settled — %1 → %2</source>
        <translation>解決済み — %1 → %2</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="573"/>
        <source>Nothing to review.</source>
        <translation>確認するものはありません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="587"/>
        <source>%1 %2: %3</source>
        <translation>%1 %2：%3</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="599"/>
        <source>This record goes with its deleted household.</source>
        <translation>この記録は削除された世帯とともに削除されます。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="601"/>
        <source>Bring the household back.</source>
        <translation>世帯を元に戻す。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="680"/>
        <source>Fill in the server, user name and password.</source>
        <translation>サーバー・ユーザー名・パスワードを入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="701"/>
        <source>Connected. Sync now to receive your areas&apos; records.</source>
        <translation>接続しました。同期して担当エリアの記録を受け取ってください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="715"/>
        <source>Connecting…</source>
        <translation>接続しています…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="734"/>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="744"/>
        <source>Syncing…</source>
        <translation>同期しています…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="210"/>
        <source>Last sync %1: %2</source>
        <translation>前回の同期 %1：%2</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="72"/>
        <source>This laptop does not trust the server&apos;s certificate. Choose the office&apos;s CA file in 設定 (or when connecting), then try again.</source>
        <translation>このパソコンはサーバーの証明書を信頼していません。「設定」（または接続のとき）で事務所の CA 証明書ファイルを指定してから、やり直してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="78"/>
        <source>The server answers only over HTTPS: write its address with https://.</source>
        <translation>サーバーは HTTPS でだけ応答します。アドレスは https:// で始めてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="85"/>
        <source>The certificate file could not be read: %1</source>
        <translation>証明書ファイルを読み込めませんでした：%1</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="88"/>
        <source>Sync failed. Your work is kept on this laptop; try again later.</source>
        <translation>同期できませんでした。作業内容はこのパソコンに残っています。後でやり直してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="169"/>
        <source>The server is busy. Sync again in a few minutes.</source>
        <translation>サーバーが混み合っています。数分後にもう一度同期してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="170"/>
        <source>The server&apos;s answer could not be understood. Check the server address; if it is right, tell the office.</source>
        <translation>サーバーの応答を読み取れませんでした。サーバーのアドレスを確認し、正しければ事務所に連絡してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="175"/>
        <source>No sync server answers at this address. Check the server address.</source>
        <translation>このアドレスには同期サーバーがありません。サーバーのアドレスを確認してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="183"/>
        <source>The server refused the sync. Tell the office (code %1).</source>
        <translation>サーバーが同期を受け付けませんでした。事務所に連絡してください（コード %1）。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="198"/>
        <location filename="../../src/marugoto_desktop/ui/sync_page.py" line="766"/>
        <source>Sent %1, received %2, to review %3.</source>
        <translation>送信 %1 件、受信 %2 件、確認が必要 %3 件。</translation>
    </message>
</context>
<context>
    <name>UnlockPage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="95"/>
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="102"/>
        <source>Unlock</source>
        <translation>開く</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="94"/>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="114"/>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="142"/>
        <source>Vault folder</source>
        <translation>保管庫フォルダ</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="96"/>
        <source>Choose the vault folder</source>
        <translation>保管庫フォルダを選ぶ</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="100"/>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="115"/>
        <source>Passphrase</source>
        <translation>パスフレーズ</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="105"/>
        <source>Create a new vault or try the demo…</source>
        <translation>新しい保管庫を作る・デモを試す…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="124"/>
        <source>Open your records</source>
        <translation>相談記録を開く</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="152"/>
        <source>Choose the vault folder and type the passphrase.</source>
        <translation>保管庫フォルダを選び、パスフレーズを入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="156"/>
        <location filename="../../src/marugoto_desktop/ui/unlock.py" line="158"/>
        <source>Unlocking…</source>
        <translation>開いています…</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="79"/>
        <source>Home</source>
        <translation>ホーム</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="80"/>
        <source>Households</source>
        <translation>世帯</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="81"/>
        <source>Outreach tally</source>
        <translation>アウトリーチ集計</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="82"/>
        <source>Meetings</source>
        <translation>会議</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="83"/>
        <source>Agencies</source>
        <translation>関係機関</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="84"/>
        <source>Reports</source>
        <translation>集計</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="85"/>
        <source>Sync</source>
        <translation>同期</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="86"/>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="90"/>
        <source>Screens</source>
        <translation>画面</translation>
    </message>
</context>
<context>
    <name>_BasicPage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="179"/>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="180"/>
        <source>Area</source>
        <translation>エリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="182"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
</context>
<context>
    <name>_HistoryPage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="55"/>
        <source>When</source>
        <translation>日時</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="55"/>
        <source>Who</source>
        <translation>操作者</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="55"/>
        <source>Computer</source>
        <translation>端末</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="55"/>
        <source>What</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="56"/>
        <source>Records</source>
        <translation>件数</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="60"/>
        <source>Access history</source>
        <translation>アクセス履歴</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="81"/>
        <source>Opened</source>
        <translation>閲覧</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="82"/>
        <source>Created</source>
        <translation>作成</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="83"/>
        <source>Edited</source>
        <translation>編集</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="84"/>
        <source>Deleted</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="85"/>
        <source>Restored</source>
        <translation>復元</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="86"/>
        <source>Printed</source>
        <translation>印刷</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="87"/>
        <source>Transferred to another area</source>
        <translation>転居・引継ぎ</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="97"/>
        <source>Transfers to another area (転居・引継ぎ):</source>
        <translation>転居・引継ぎ：</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="100"/>
        <source>%1: from %2 to %3, by %4</source>
        <translation>%1&#x3000;%2 → %3&#x3000;%4</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/household.py" line="116"/>
        <source>(not set)</source>
        <translation>（未設定）</translation>
    </message>
</context>
</TS>
