<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ja_JP">
<context>
    <name>HouseholdTableModel</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/models.py" line="53" />
        <source>Household</source>
        <translation>世帯</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/models.py" line="54" />
        <source>Area</source>
        <translation>エリア</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/models.py" line="55" />
        <source>Status</source>
        <translation>状況</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/models.py" line="56" />
        <source>Members</source>
        <translation>世帯員数</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/models.py" line="57" />
        <source>Address</source>
        <translation>住所</translation>
    </message>
</context>
<context>
    <name>HouseholdsPage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="120" />
        <source>Search by name, kana, address or phone</source>
        <translation>氏名・ふりがな・住所・電話で検索</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="128" />
        <source>Lock</source>
        <translation>ロック</translation>
    </message>
    <message numerus="yes">
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="153" />
        <source>%n household(s)</source>
        <translation>
            <numerusform>%n 世帯</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="169" />
        <source>Marugoto welfare records</source>
        <translation>まるごと福祉 相談記録</translation>
    </message>
</context>
<context>
    <name>UnlockPage</name>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="44" />
        <source>Browse…</source>
        <translation>参照…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="49" />
        <source>Unlock</source>
        <translation>開く</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="60" />
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="73" />
        <source>Vault folder</source>
        <translation>保管庫フォルダ</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="61" />
        <source>Passphrase</source>
        <translation>パスフレーズ</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="63" />
        <source>Open your records</source>
        <translation>相談記録を開く</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="80" />
        <source>Choose the vault folder and type the passphrase.</source>
        <translation>保管庫フォルダを選び、パスフレーズを入力してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="83" />
        <source>Unlocking…</source>
        <translation>開いています…</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="102" />
        <source>The passphrase is wrong.</source>
        <translation>パスフレーズが違います。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="104" />
        <source>There is no vault in this folder.</source>
        <translation>このフォルダには保管庫がありません。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="106" />
        <source>The vault is open in another window or program. Close it first.</source>
        <translation>保管庫は別のウィンドウかプログラムで開かれています。先にそちらを閉じてください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="109" />
        <source>The vault is damaged or has been tampered with. Contact your administrator.</source>
        <translation>保管庫のデータが壊れているか、改ざんされています。管理者に連絡してください。</translation>
    </message>
    <message>
        <location filename="../../src/marugoto_desktop/ui/windows.py" line="111" />
        <source>The vault could not be opened: %1</source>
        <translation>保管庫を開けませんでした: %1</translation>
    </message>
</context>
</TS>