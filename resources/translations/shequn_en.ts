<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>BackupActions</name>
    <message>
        <source>团队数据库由服务器管理员负责备份</source>
        <translation>A shared team database is backed up by its server&apos;s administrator</translation>
    </message>
    <message>
        <source>正在进行每日备份…</source>
        <translation>Making the daily backup…</translation>
    </message>
    <message>
        <source>备份数据库</source>
        <translation>Back Up Database</translation>
    </message>
    <message>
        <source>数据库备份 (*.db)</source>
        <translation>Database backups (*.db)</translation>
    </message>
    <message>
        <source>正在备份…</source>
        <translation>Backing up…</translation>
    </message>
    <message>
        <source>已备份到 {path}</source>
        <translation>Backed up to {path}</translation>
    </message>
    <message>
        <source>恢复备份</source>
        <translation>Restore Backup</translation>
    </message>
    <message>
        <source>用「{name}」替换当前数据？
当前数据会先另存为一份备份，可以再恢复回来。</source>
        <translation>Replace the current data with “{name}”?
The current data is saved as a backup first, so you can restore it again.</translation>
    </message>
    <message>
        <source>正在恢复备份…</source>
        <translation>Restoring the backup…</translation>
    </message>
    <message>
        <source>已恢复备份</source>
        <translation>Backup restored</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>社群运营工作台</source>
        <translation>Community Workbench</translation>
    </message>
    <message>
        <source>概览</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>备份数据库(&amp;B)…</source>
        <translation>&amp;Back Up Database…</translation>
    </message>
    <message>
        <source>恢复备份(&amp;R)…</source>
        <translation>&amp;Restore Backup…</translation>
    </message>
    <message>
        <source>打开数据文件夹</source>
        <translation>Open Data Folder</translation>
    </message>
    <message>
        <source>设置(&amp;S)…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <source>退出(&amp;Q)</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>数据(&amp;D)</source>
        <translation>&amp;Data</translation>
    </message>
    <message>
        <source>生成演示数据…</source>
        <translation>Generate Demo Data…</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>打开日志文件夹</source>
        <translation>Open Log Folder</translation>
    </message>
    <message>
        <source>关于(&amp;A)</source>
        <translation>&amp;About</translation>
    </message>
    <message>
        <source>{communities} 个社群 · {members} 名成员</source>
        <translation>{communities} communities · {members} members</translation>
    </message>
    <message>
        <source>欢迎使用社群运营工作台</source>
        <translation>Welcome to Community Workbench</translation>
    </message>
    <message>
        <source>数据库还是空的。要先生成一批演示数据（社群、成员和一年的行为记录）来熟悉功能吗？

演示数据随时可以在新的数据库里重新生成，不会影响以后导入的真实名单。</source>
        <translation>The database is empty. Generate some demo data (communities, members and a year of activity) to get to know the program?

Demo data can be generated again in a new database at any time; it does not affect the real member lists you import later.</translation>
    </message>
    <message>
        <source>生成演示数据</source>
        <translation>Generate Demo Data</translation>
    </message>
    <message>
        <source>以后再说</source>
        <translation>Not Now</translation>
    </message>
    <message>
        <source>成员数（演示数据只能填入空数据库）：</source>
        <translation>Members (demo data only goes into an empty database):</translation>
    </message>
    <message>
        <source>已生成 {members} 名成员、{events} 条行为记录</source>
        <translation>Generated {members} members and {events} activity records</translation>
    </message>
    <message>
        <source>正在生成演示数据…</source>
        <translation>Generating demo data…</translation>
    </message>
    <message>
        <source>关于社群运营工作台</source>
        <translation>About Community Workbench</translation>
    </message>
    <message>
        <source>&lt;h3&gt;社群运营工作台 {version}&lt;/h3&gt;&lt;p&gt;社群与成员、分层、积分、海报与报表。数据只保存在本机，不会上传。&lt;/p&gt;&lt;p&gt;数据库：{database}&lt;br&gt;数据文件夹：{data}&lt;br&gt;日志：{log}&lt;/p&gt;&lt;p&gt;内置字体 Noto Sans SC，SIL Open Font License 1.1。&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Community Workbench {version}&lt;/h3&gt;&lt;p&gt;Communities and members, tiers, points, posters and reports. Your data stays on this computer and is never uploaded.&lt;/p&gt;&lt;p&gt;Database: {database}&lt;br&gt;Data folder: {data}&lt;br&gt;Log: {log}&lt;/p&gt;&lt;p&gt;Bundled font Noto Sans SC, SIL Open Font License 1.1.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>OverviewTab</name>
    <message>
        <source>概览</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>近 30 天活跃成员</source>
        <translation>Active members, last 30 days</translation>
    </message>
    <message>
        <source>近 7 天新入群</source>
        <translation>Joined, last 7 days</translation>
    </message>
    <message>
        <source>行为记录</source>
        <translation>Activity records</translation>
    </message>
    <message>
        <source>数据库还是空的。可以先生成一些演示数据，熟悉各项功能后再导入自己的成员名单。</source>
        <translation>The database is empty. Generate some demo data to try things out, then import your own member lists.</translation>
    </message>
    <message>
        <source>生成演示数据…</source>
        <translation>Generate Demo Data…</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>恢复备份</source>
        <translation>Restore Backup</translation>
    </message>
    <message>
        <source>从文件选择…</source>
        <translation>Choose a File…</translation>
    </message>
    <message>
        <source>选择要恢复的备份：</source>
        <translation>Choose the backup to restore:</translation>
    </message>
    <message>
        <source>选择备份文件</source>
        <translation>Choose a Backup File</translation>
    </message>
    <message>
        <source>数据库备份 (*.db)</source>
        <translation>Database backups (*.db)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>留空：使用本机文件 {path}</source>
        <translation>Leave empty to use the local file {path}</translation>
    </message>
    <message>
        <source>测试连接</source>
        <translation>Test Connection</translation>
    </message>
    <message>
        <source>团队共用一台 PostgreSQL 服务器时填写，例如 postgresql+psycopg://用户名:密码@服务器:5432/数据库名</source>
        <translation>For a team sharing one PostgreSQL server, for example postgresql+psycopg://user:password@server:5432/database</translation>
    </message>
    <message>
        <source>留空：使用电脑的用户名</source>
        <translation>Leave empty to use the computer&apos;s user name</translation>
    </message>
    <message>
        <source>界面语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>数据库</source>
        <translation>Database</translation>
    </message>
    <message>
        <source>操作员姓名</source>
        <translation>Operator name</translation>
    </message>
    <message>
        <source>正在连接数据库…</source>
        <translation>Connecting to the database…</translation>
    </message>
    <message>
        <source>连接成功，数据库结构已是最新。</source>
        <translation>Connected; the database schema is up to date.</translation>
    </message>
    <message>
        <source>语言和数据库的更改将在重新启动程序后生效。</source>
        <translation>Changes to the language and the database take effect when the program restarts.</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>无法完成</source>
        <translation>Could Not Finish</translation>
    </message>
    <message>
        <source>出现意外错误</source>
        <translation>Unexpected Error</translation>
    </message>
    <message>
        <source>程序遇到一个意外错误，已记入日志，数据没有丢失。

{error}

日志文件：{path}</source>
        <translation>The program ran into an unexpected error. It has been logged and no data was lost.

{error}

Log file: {path}</translation>
    </message>
</context>
<context>
    <name>tasks</name>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>请稍候</source>
        <translation>Please Wait</translation>
    </message>
</context>
</TS>
