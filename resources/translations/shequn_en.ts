<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AttentionDialog</name>
    <message>
        <source>需要处理</source>
        <translation>Needs attention</translation>
    </message>
    <message>
        <source>共 {count} 项。双击一行查看该社群。</source>
        <translation>{count} item(s). Double-click a row to open that community.</translation>
    </message>
    <message>
        <source>没有需要处理的事项：二维码都在有效期内，各群人数也没有接近上限。</source>
        <translation>Nothing needs attention: every QR code is valid and no group is near its cap.</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Details</translation>
    </message>
</context>
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
    <name>CommunitiesModel</name>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>二维码</source>
        <translation>QR code</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>已归档</source>
        <translation>Archived</translation>
    </message>
    <message>
        <source>{label} +{n}</source>
        <translation>{label} +{n}</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>CommunitiesTab</name>
    <message>
        <source>社群</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>二维码即将过期、已过期，或人数接近上限的群</source>
        <translation>Groups whose QR code is expiring or expired, or that are near a cap</translation>
    </message>
    <message>
        <source>回收站</source>
        <translation>Trash</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>知道了</source>
        <translation>Dismiss</translation>
    </message>
    <message>
        <source>搜索名称、标签或拼音首字母</source>
        <translation>Search name, tag or pinyin initials</translation>
    </message>
    <message>
        <source>显示已归档</source>
        <translation>Show archived</translation>
    </message>
    <message>
        <source>新建…</source>
        <translation>New…</translation>
    </message>
    <message>
        <source>编辑…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>归档</source>
        <translation>Archive</translation>
    </message>
    <message>
        <source>删除…</source>
        <translation>Delete…</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>还没有社群。点「新建…」添加第一个群。</source>
        <translation>No communities yet. Click “New…” to add your first group.</translation>
    </message>
    <message>
        <source>需要处理 {count}</source>
        <translation>Needs attention {count}</translation>
    </message>
    <message>
        <source>需要处理</source>
        <translation>Needs attention</translation>
    </message>
    <message>
        <source>取消归档</source>
        <translation>Unarchive</translation>
    </message>
    <message>
        <source>请稍候…</source>
        <translation>Please wait…</translation>
    </message>
    <message>
        <source>已归档「{name}」：不再出现在列表和提醒里，勾选「显示已归档」可找回。</source>
        <translation>Archived “{name}”: it leaves the list and the reminders; tick “Show archived” to find it again.</translation>
    </message>
    <message>
        <source>已取消归档「{name}」。</source>
        <translation>“{name}” is no longer archived.</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>「{name}」里没有任何成员记录，删除后不能恢复。确定删除？</source>
        <translation>“{name}” has no member records. It will be deleted and cannot be restored. Delete it?</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>「{name}」有 {members} 名成员和入群历史。删除后移到回收站，成员记录都会保留，可以随时恢复。</source>
        <translation>“{name}” has {members} members and a join history. It will be moved to the trash with all its records kept, and can be restored at any time.</translation>
    </message>
    <message>
        <source>移到回收站</source>
        <translation>Move to trash</translation>
    </message>
    <message>
        <source>删除社群</source>
        <translation>Delete community</translation>
    </message>
    <message>
        <source>「{name}」已移到回收站。</source>
        <translation>“{name}” was moved to the trash.</translation>
    </message>
    <message>
        <source>已删除「{name}」。</source>
        <translation>Deleted “{name}”.</translation>
    </message>
    <message>
        <source>正在删除…</source>
        <translation>Deleting…</translation>
    </message>
    <message>
        <source>正在恢复…</source>
        <translation>Restoring…</translation>
    </message>
</context>
<context>
    <name>CommunityDetail</name>
    <message>
        <source>选择左边的一个社群，查看人数、活跃度、增长和群二维码。</source>
        <translation>Choose a community on the left to see its members, activity, growth and QR code.</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>本周</source>
        <translation>This week</translation>
    </message>
    <message>
        <source>本月</source>
        <translation>This month</translation>
    </message>
    <message>
        <source>近 7 天活跃</source>
        <translation>Active, 7 days</translation>
    </message>
    <message>
        <source>近 30 天活跃</source>
        <translation>Active, 30 days</translation>
    </message>
    <message>
        <source>成员增长（近 52 周，每周末人数）</source>
        <translation>Growth (members at each week&apos;s end, last 52 weeks)</translation>
    </message>
    <message>
        <source>角色结构</source>
        <translation>Role mix</translation>
    </message>
    <message>
        <source>群主</source>
        <translation>Owner</translation>
    </message>
    <message>
        <source>管理员</source>
        <translation>Admins</translation>
    </message>
    <message>
        <source>目标人群</source>
        <translation>Target audience</translation>
    </message>
    <message>
        <source>群规</source>
        <translation>Rules</translation>
    </message>
    <message>
        <source>建群于 {date}</source>
        <translation>created {date}</translation>
    </message>
    <message>
        <source>标签：{tags}</source>
        <translation>tags: {tags}</translation>
    </message>
    <message>
        <source>已归档</source>
        <translation>Archived</translation>
    </message>
    <message>
        <source>入群 / 退群</source>
        <translation>joined / left</translation>
    </message>
    <message>
        <source>不含员工</source>
        <translation>staff excluded</translation>
    </message>
    <message>
        <source>{active} / {base} 人</source>
        <translation>{active} of {base}</translation>
    </message>
    <message>
        <source>含员工</source>
        <translation>staff included</translation>
    </message>
    <message>
        <source>未设置</source>
        <translation>Not set</translation>
    </message>
    <message>
        <source> 等 {count} 人</source>
        <translation> ({count} in all)</translation>
    </message>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>未填写</source>
        <translation>Not filled in</translation>
    </message>
</context>
<context>
    <name>CommunityDialog</name>
    <message>
        <source>新建社群</source>
        <translation>New community</translation>
    </message>
    <message>
        <source>编辑社群</source>
        <translation>Edit community</translation>
    </message>
    <message>
        <source>例如：麦香烘焙福利1群</source>
        <translation>e.g. Bakery perks group 1</translation>
    </message>
    <message>
        <source>这个群为什么存在，例如：新品试吃与会员福利</source>
        <translation>Why this group exists, e.g. tastings and member perks</translation>
    </message>
    <message>
        <source>例如：附近 3 公里的宝妈</source>
        <translation>e.g. parents living within 3 km</translation>
    </message>
    <message>
        <source>群规，每条一行</source>
        <translation>Group rules, one per line</translation>
    </message>
    <message>
        <source>按平台默认</source>
        <translation>Platform default</translation>
    </message>
    <message>
        <source> 天</source>
        <translation> days</translation>
    </message>
    <message>
        <source>扫码进群上限</source>
        <translation>Scan-in cap</translation>
    </message>
    <message>
        <source>用逗号、顿号或空格分隔</source>
        <translation>Separate with commas or spaces</translation>
    </message>
    <message>
        <source>在这个群的现有成员里查找（员工排在前面）</source>
        <translation>Search among the group&apos;s current members (staff first)</translation>
    </message>
    <message>
        <source>可从所有成员里选择（员工排在前面）</source>
        <translation>Choose from all members (staff first)</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <source>定位/主题</source>
        <translation>Theme</translation>
    </message>
    <message>
        <source>目标人群</source>
        <translation>Target audience</translation>
    </message>
    <message>
        <source>群规</source>
        <translation>Rules</translation>
    </message>
    <message>
        <source>群人数上限</source>
        <translation>Member cap</translation>
    </message>
    <message>
        <source>二维码有效期</source>
        <translation>QR code validity</translation>
    </message>
    <message>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>建群日期</source>
        <translation>Created on</translation>
    </message>
    <message>
        <source>群主</source>
        <translation>Owner</translation>
    </message>
    <message>
        <source>请选择群主</source>
        <translation>Choose the owner</translation>
    </message>
    <message>
        <source>请从下拉列表中选择群主，或清空群主一栏。</source>
        <translation>Pick the owner from the drop-down list, or clear the owner field.</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>不过期</source>
        <translation>no expiry</translation>
    </message>
    <message>
        <source>{days} 天</source>
        <translation>{days} days</translation>
    </message>
    <message>
        <source>平台默认：微信群 {wechat}，企业微信群 {wecom}</source>
        <translation>Platform default: WeChat {wechat}, WeCom {wecom}</translation>
    </message>
</context>
<context>
    <name>GrowthChart</name>
    <message>
        <source>选择一个社群查看成员增长</source>
        <translation>Choose a community to see its growth</translation>
    </message>
    <message>
        <source>M月d日</source>
        <translation>MMM d</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>导入成员名单</source>
        <translation>Import Member List</translation>
    </message>
    <message>
        <source>选择要导入的成员名单</source>
        <translation>Choose the member list to import</translation>
    </message>
    <message>
        <source>支持企业微信、有赞、LinkWeChat、群成员导出工具和手工整理的表格：.xlsx .xls .ods .csv，以及企业微信接口保存的 JSON。标题行、合并单元格、GBK 编码、手机号变成数字都没关系。
先预览：导入前会列出将新增、更新、有问题的每一行，确认后才写入；导入要么全部完成，要么什么都不改。</source>
        <translation>Exports from WeCom, Youzan, LinkWeChat, group-member tools and hand-made spreadsheets work: .xlsx .xls .ods .csv, and JSON saved from the WeCom API. Title rows, merged cells, GBK encoding and phones stored as numbers are all fine.
Preview first: every row to add, update or with a problem is listed before anything is written, and an import either completes entirely or changes nothing.</translation>
    </message>
    <message>
        <source>把文件拖到这里，或者</source>
        <translation>Drop a file here, or</translation>
    </message>
    <message>
        <source>选择文件…</source>
        <translation>Choose File…</translation>
    </message>
    <message>
        <source>按文件内容识别所在群</source>
        <translation>Take the group from the file</translation>
    </message>
    <message>
        <source>或输入新社群的名字</source>
        <translation>or type the name of a new community</translation>
    </message>
    <message>
        <source>预览导入结果</source>
        <translation>Preview Import</translation>
    </message>
    <message>
        <source>导入到社群：</source>
        <translation>Import into community:</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>选择成员名单</source>
        <translation>Choose a Member List</translation>
    </message>
    <message>
        <source>成员名单 (*.xlsx *.xlsm *.xls *.ods *.csv *.txt *.json);;所有文件 (*)</source>
        <translation>Member lists (*.xlsx *.xlsm *.xls *.ods *.csv *.txt *.json);;All files (*)</translation>
    </message>
    <message>
        <source>文件：{name}</source>
        <translation>File: {name}</translation>
    </message>
    <message>
        <source>正在读取并检查每一行…</source>
        <translation>Reading and checking every row…</translation>
    </message>
    <message>
        <source>全部行</source>
        <translation>All rows</translation>
    </message>
    <message>
        <source>工作表</source>
        <translation>Sheet</translation>
    </message>
    <message>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>昵称</source>
        <translation>Nickname</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>每一行</source>
        <translation>Rows</translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>处理</source>
        <translation>Handling</translation>
    </message>
    <message>
        <source>整行不导入</source>
        <translation>Row not imported</translation>
    </message>
    <message>
        <source>只跳过这一项</source>
        <translation>Only this value skipped</translation>
    </message>
    <message>
        <source>问题</source>
        <translation>Problems</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>将新建</source>
        <translation>Will be created</translation>
    </message>
    <message>
        <source>已有</source>
        <translation>Existing</translation>
    </message>
    <message>
        <source>入群</source>
        <translation>Joined</translation>
    </message>
    <message>
        <source>退群</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>可能是</source>
        <translation>Possibly</translation>
    </message>
    <message>
        <source>可能重复</source>
        <translation>Possible duplicates</translation>
    </message>
    <message>
        <source>列对应</source>
        <translation>Columns</translation>
    </message>
    <message>
        <source>保存问题清单…</source>
        <translation>Save Problem List…</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>每一列导入到哪个字段。改好后按「按新的对应重新预览」；导入后，同样表头的文件下次会自动用这次的对应。</source>
        <translation>Which field each column goes to. After changing it, press “Preview with These Columns”; once imported, files with the same header use this mapping automatically.</translation>
    </message>
    <message>
        <source>表头</source>
        <translation>Header</translation>
    </message>
    <message>
        <source>导入为</source>
        <translation>Import as</translation>
    </message>
    <message>
        <source>按新的对应重新预览</source>
        <translation>Preview with These Columns</translation>
    </message>
    <message>
        <source>同 {sheet} 第 {row} 行</source>
        <translation>Same as {sheet} row {row}</translation>
    </message>
    <message>
        <source>新增 {added} · 更新 {updated} · 无变化 {unchanged} · 同一人 {linked} · 有问题 {rejected} · 入群 {joined} · 退群 {left}</source>
        <translation>New {added} · Updated {updated} · Unchanged {unchanged} · Same person {linked} · Problems {rejected} · Joins {joined} · Leaves {left}</translation>
    </message>
    <message>
        <source>文件：{name}，共 {rows} 行</source>
        <translation>File: {name}, {rows} rows</translation>
    </message>
    <message>
        <source>没有可导入的变化</source>
        <translation>Nothing to Import</translation>
    </message>
    <message>
        <source>保存问题清单</source>
        <translation>Save Problem List</translation>
    </message>
    <message>
        <source>Excel 表格 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>正在导入…（取消则什么都不改）</source>
        <translation>Importing… (cancelling changes nothing)</translation>
    </message>
    <message>
        <source>已取消导入，数据没有改动</source>
        <translation>Import cancelled; nothing was changed</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>导入完成：新增 {added} 人，更新 {updated} 人，入群 {joined} 次，退群 {left} 次，新建社群 {created} 个。</source>
        <translation>Import complete: {added} members added, {updated} updated, {joined} joins, {left} leaves, {created} communities created.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>社群运营工作台</source>
        <translation>Community Workbench</translation>
    </message>
    <message>
        <source>正在打开数据库…</source>
        <translation>Opening the database…</translation>
    </message>
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
        <source>导入成员名单(&amp;I)…</source>
        <translation>&amp;Import Member List…</translation>
    </message>
    <message>
        <source>生成演示数据…</source>
        <translation>Generate Demo Data…</translation>
    </message>
    <message>
        <source>新建社群…</source>
        <translation>New Community…</translation>
    </message>
    <message>
        <source>需要处理…</source>
        <translation>Needs Attention…</translation>
    </message>
    <message>
        <source>社群回收站…</source>
        <translation>Community Trash…</translation>
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
    <message>
        <source>需要处理 {count} 项</source>
        <translation>{count} need attention</translation>
    </message>
</context>
<context>
    <name>MemberDetailPanel</name>
    <message>
        <source>选择一位成员查看详情</source>
        <translation>Select a member to see the details</translation>
    </message>
    <message>
        <source>未知</source>
        <translation>Unknown</translation>
    </message>
    <message>
        <source>男</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>女</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>未填写</source>
        <translation>Not set</translation>
    </message>
    <message>
        <source>团队成员（店主、员工），不计入统计</source>
        <translation>Team member (owner, staff): left out of statistics</translation>
    </message>
    <message>
        <source>用逗号或空格分隔</source>
        <translation>Separated by commas or spaces</translation>
    </message>
    <message>
        <source>每行一个，例如：会员卡号: 1024</source>
        <translation>One per line, e.g. Card number: 1024</translation>
    </message>
    <message>
        <source>昵称</source>
        <translation>Nickname</translation>
    </message>
    <message>
        <source>备注名</source>
        <translation>Remark name</translation>
    </message>
    <message>
        <source>微信号</source>
        <translation>WeChat ID</translation>
    </message>
    <message>
        <source>手机号</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>企业微信 ID</source>
        <translation>WeCom ID</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Gender</translation>
    </message>
    <message>
        <source>生日</source>
        <translation>Birthday</translation>
    </message>
    <message>
        <source>城市</source>
        <translation>City</translation>
    </message>
    <message>
        <source>来源渠道</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>自定义字段</source>
        <translation>Custom fields</translation>
    </message>
    <message>
        <source>保存修改</source>
        <translation>Save Changes</translation>
    </message>
    <message>
        <source>撤销上次修改</source>
        <translation>Undo Last Edit</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>群昵称</source>
        <translation>Group nickname</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>入群</source>
        <translation>Joined</translation>
    </message>
    <message>
        <source>退群</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>入退群记录</source>
        <translation>Join/leave history</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>行为</source>
        <translation>Activity</translation>
    </message>
    <message>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>所在社群</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>最近行为</source>
        <translation>Recent activity</translation>
    </message>
    <message>
        <source>建档于 {date}</source>
        <translation>Added {date}</translation>
    </message>
    <message>
        <source>邀请人：{name}</source>
        <translation>Invited by {name}</translation>
    </message>
    <message>
        <source>最近活跃：{date}</source>
        <translation>Last active: {date}</translation>
    </message>
    <message>
        <source>从未</source>
        <translation>Never</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>正在撤销…</source>
        <translation>Undoing…</translation>
    </message>
</context>
<context>
    <name>MemberFilterBar</name>
    <message>
        <source>活跃：不限</source>
        <translation>Activity: any</translation>
    </message>
    <message>
        <source>近 7 天活跃</source>
        <translation>Active in 7 days</translation>
    </message>
    <message>
        <source>近 30 天活跃</source>
        <translation>Active in 30 days</translation>
    </message>
    <message>
        <source>14 天未活跃</source>
        <translation>Inactive 14 days</translation>
    </message>
    <message>
        <source>30 天未活跃</source>
        <translation>Inactive 30 days</translation>
    </message>
    <message>
        <source>90 天未活跃</source>
        <translation>Inactive 90 days</translation>
    </message>
    <message>
        <source>搜索昵称、备注、群昵称、微信号、拼音或首字母（zxf）、手机尾号</source>
        <translation>Search nickname, remark, group nickname, WeChat ID, pinyin or initials (zxf), phone&apos;s last digits</translation>
    </message>
    <message>
        <source>社群：全部</source>
        <translation>Community: all</translation>
    </message>
    <message>
        <source>标签：全部</source>
        <translation>Tag: all</translation>
    </message>
    <message>
        <source>角色：全部</source>
        <translation>Role: all</translation>
    </message>
    <message>
        <source>手机号：不限</source>
        <translation>Phone: any</translation>
    </message>
    <message>
        <source>有手机号</source>
        <translation>Has phone</translation>
    </message>
    <message>
        <source>无手机号</source>
        <translation>No phone</translation>
    </message>
    <message>
        <source>入群日期</source>
        <translation>Joined between</translation>
    </message>
    <message>
        <source>含团队成员</source>
        <translation>Include team</translation>
    </message>
    <message>
        <source>清除筛选</source>
        <translation>Clear Filters</translation>
    </message>
    <message>
        <source>{count} 人</source>
        <translation>{count} members</translation>
    </message>
    <message>
        <source>{count}+ 人…</source>
        <translation>{count}+ members…</translation>
    </message>
</context>
<context>
    <name>MembersModel</name>
    <message>
        <source>昵称</source>
        <translation>Nickname</translation>
    </message>
    <message>
        <source>备注名</source>
        <translation>Remark name</translation>
    </message>
    <message>
        <source>微信号</source>
        <translation>WeChat ID</translation>
    </message>
    <message>
        <source>手机号</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Gender</translation>
    </message>
    <message>
        <source>城市</source>
        <translation>City</translation>
    </message>
    <message>
        <source>所在社群</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>来源渠道</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>最近活跃</source>
        <translation>Last active</translation>
    </message>
    <message>
        <source>男</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>女</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>（团队）</source>
        <translation> (team)</translation>
    </message>
    <message>
        <source>从未</source>
        <translation>Never</translation>
    </message>
</context>
<context>
    <name>MembersTab</name>
    <message>
        <source>导入…</source>
        <translation>Import…</translation>
    </message>
    <message>
        <source>新建成员</source>
        <translation>New Member</translation>
    </message>
    <message>
        <source>合并重复成员</source>
        <translation>Merge Duplicates</translation>
    </message>
    <message>
        <source>加标签</source>
        <translation>Add Tag</translation>
    </message>
    <message>
        <source>移除标签</source>
        <translation>Remove Tag</translation>
    </message>
    <message>
        <source>加入社群</source>
        <translation>Add to Community</translation>
    </message>
    <message>
        <source>设置角色</source>
        <translation>Set Role</translation>
    </message>
    <message>
        <source>导出…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <source>显示完整手机号</source>
        <translation>Show full phone numbers</translation>
    </message>
    <message>
        <source>昵称：</source>
        <translation>Nickname:</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>标签：</source>
        <translation>Tag:</translation>
    </message>
    <message>
        <source>正在加标签…</source>
        <translation>Adding the tag…</translation>
    </message>
    <message>
        <source>已给 {n} 人加上标签「{tag}」</source>
        <translation>Tag “{tag}” added to {n} members</translation>
    </message>
    <message>
        <source>正在移除标签…</source>
        <translation>Removing the tag…</translation>
    </message>
    <message>
        <source>已从 {n} 人移除标签「{tag}」</source>
        <translation>Tag “{tag}” removed from {n} members</translation>
    </message>
    <message>
        <source>还没有社群，请先在「社群」页新建</source>
        <translation>There are no communities yet: create one on the Communities tab first</translation>
    </message>
    <message>
        <source>社群：</source>
        <translation>Community:</translation>
    </message>
    <message>
        <source>正在加入社群…</source>
        <translation>Adding to the community…</translation>
    </message>
    <message>
        <source>{n} 人已加入社群</source>
        <translation>{n} members joined the community</translation>
    </message>
    <message>
        <source>设置角色：选择社群</source>
        <translation>Set Role: Choose the Community</translation>
    </message>
    <message>
        <source>角色：</source>
        <translation>Role:</translation>
    </message>
    <message>
        <source>正在设置角色…</source>
        <translation>Setting the role…</translation>
    </message>
    <message>
        <source>已为 {n} 人设置角色「{role}」</source>
        <translation>Role “{role}” set for {n} members</translation>
    </message>
    <message>
        <source>所选成员</source>
        <translation>selected members</translation>
    </message>
    <message>
        <source>当前列表的成员</source>
        <translation>members in the current list</translation>
    </message>
    <message>
        <source>导出成员</source>
        <translation>Export Members</translation>
    </message>
    <message>
        <source>Excel 表格 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>已导出 {n} 人到 {path}{masked}</source>
        <translation>Exported {n} members to {path}{masked}</translation>
    </message>
    <message>
        <source>（手机号、微信号已打码）</source>
        <translation> (phones and WeChat IDs masked)</translation>
    </message>
    <message>
        <source>导出 {n} 名成员到 Excel。</source>
        <translation>Export {n} members to Excel.</translation>
    </message>
    <message>
        <source>手机号和微信号打码（建议，导出会记入导出日志）</source>
        <translation>Mask phones and WeChat IDs (recommended; every export is logged)</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <source>合并重复成员</source>
        <translation>Merge Duplicate Members</translation>
    </message>
    <message>
        <source>同一个人在不同的群里、不同的表格里常常成了几条记录。下面是按昵称、读音和共同社群找出的可能重复的成员；手机号、微信号不同的不会列出。合并后入群记录、标签和行为记录都归到保留的成员，随时可以在「合并记录」里撤销。</source>
        <translation>The same person often ends up as several records across groups and spreadsheets. Below are members who may be duplicates, found by nickname, pronunciation and shared communities; pairs with different phones or WeChat IDs are never listed. Merging moves memberships, tags and activity to the member you keep, and can be undone at any time under “Merge history”.</translation>
    </message>
    <message>
        <source>重新查找</source>
        <translation>Search Again</translation>
    </message>
    <message>
        <source>显示完整手机号和微信号</source>
        <translation>Show full phones and WeChat IDs</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>保留的成员</source>
        <translation>Kept member</translation>
    </message>
    <message>
        <source>合并进来的成员</source>
        <translation>Merged member</translation>
    </message>
    <message>
        <source>移过来的记录</source>
        <translation>Records moved</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>撤销所选合并</source>
        <translation>Undo Selected Merge</translation>
    </message>
    <message>
        <source>撤销会让被合并的成员连同他的所有记录回到合并之前的样子。</source>
        <translation>Undoing restores the merged member and all their records exactly as they were before the merge.</translation>
    </message>
    <message>
        <source>可能重复</source>
        <translation>Possible duplicates</translation>
    </message>
    <message>
        <source>合并记录</source>
        <translation>Merge history</translation>
    </message>
    <message>
        <source>手机号或微信号等相同，几乎可以确定是同一个人。</source>
        <translation>Same phone or WeChat ID: almost certainly the same person.</translation>
    </message>
    <message>
        <source>合并后，另一位的入群记录、标签、行为记录和邀请关系都归到保留的成员；保留成员空着的资料由另一位补上，已有的不会被覆盖。</source>
        <translation>After merging, the other member&apos;s memberships, tags, activity and invitations belong to the kept member; the kept member&apos;s empty fields are filled from the other, and nothing already filled is overwritten.</translation>
    </message>
    <message>
        <source>合并</source>
        <translation>Merge</translation>
    </message>
    <message>
        <source>不是同一人</source>
        <translation>Not the Same Person</translation>
    </message>
    <message>
        <source>跳过</source>
        <translation>Skip</translation>
    </message>
    <message>
        <source>没能找完可能重复的成员。</source>
        <translation>Could not finish looking for possible duplicates.</translation>
    </message>
    <message>
        <source>正在查找可能重复的成员…</source>
        <translation>Looking for possible duplicates…</translation>
    </message>
    <message>
        <source>确定：{evidence}</source>
        <translation>Certain: {evidence}</translation>
    </message>
    <message>
        <source>相似度 {score}%</source>
        <translation>Similarity {score}%</translation>
    </message>
    <message>
        <source>{count} 对可能重复</source>
        <translation>{count} possible duplicate pairs</translation>
    </message>
    <message>
        <source>可能重复（{count}）</source>
        <translation>Possible duplicates ({count})</translation>
    </message>
    <message>
        <source>没有发现可能重复的成员。</source>
        <translation>No possible duplicates found.</translation>
    </message>
    <message>
        <source>已把「{merged}」合并到「{kept}」。</source>
        <translation>Merged “{merged}” into “{kept}”.</translation>
    </message>
    <message>
        <source>正在合并…</source>
        <translation>Merging…</translation>
    </message>
    <message>
        <source>已记下「{a}」和「{b}」不是同一个人，以后不再提示。</source>
        <translation>Noted that “{a}” and “{b}” are different people; they will not be suggested again.</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>合并记录（{count} 次可撤销）</source>
        <translation>Merge history ({count} can be undone)</translation>
    </message>
    <message>
        <source>已撤销</source>
        <translation>Undone</translation>
    </message>
    <message>
        <source>可撤销</source>
        <translation>Can be undone</translation>
    </message>
    <message>
        <source>请先撤销之后涉及同一成员的合并</source>
        <translation>Undo the later merge involving the same members first</translation>
    </message>
    <message>
        <source>已撤销合并：「{merged}」又是单独的成员了。</source>
        <translation>Merge undone: “{merged}” is a separate member again.</translation>
    </message>
    <message>
        <source>正在撤销…</source>
        <translation>Undoing…</translation>
    </message>
</context>
<context>
    <name>MergeSideCard</name>
    <message>
        <source>保留这位</source>
        <translation>Keep This One</translation>
    </message>
    <message>
        <source>备注名</source>
        <translation>Remark name</translation>
    </message>
    <message>
        <source>微信号</source>
        <translation>WeChat ID</translation>
    </message>
    <message>
        <source>手机号</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>所在社群</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>行为记录</source>
        <translation>Activity records</translation>
    </message>
    <message>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>建档</source>
        <translation>Added</translation>
    </message>
    <message>
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>{date} 入群</source>
        <translation>joined {date}</translation>
    </message>
    <message>
        <source>，{date} 退群</source>
        <translation>, left {date}</translation>
    </message>
    <message>
        <source>{count} 条</source>
        <translation>{count}</translation>
    </message>
    <message>
        <source>，最近 {date}</source>
        <translation>, latest {date}</translation>
    </message>
    <message>
        <source>不在任何社群</source>
        <translation>Not in any community</translation>
    </message>
    <message>
        <source>{name}（团队成员）</source>
        <translation>{name} (team member)</translation>
    </message>
    <message>
        <source>建议保留</source>
        <translation>Suggested to keep</translation>
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
    <name>OwnerPicker</name>
    <message>
        <source>输入昵称、备注名或拼音首字母，从列表中选择</source>
        <translation>Type a nickname, remark or pinyin initials, then pick from the list</translation>
    </message>
</context>
<context>
    <name>QrPanel</name>
    <message>
        <source>群二维码</source>
        <translation>Group QR code</translation>
    </message>
    <message>
        <source>未添加

可拖入图片</source>
        <translation>None

Drop an image here</translation>
    </message>
    <message>
        <source>在微信里生成这张二维码的日期，有效期从这天算起</source>
        <translation>The day this code was generated in WeChat; its validity counts from then</translation>
    </message>
    <message>
        <source>生成日期</source>
        <translation>Generated on</translation>
    </message>
    <message>
        <source>从文件添加…</source>
        <translation>From file…</translation>
    </message>
    <message>
        <source>粘贴</source>
        <translation>Paste</translation>
    </message>
    <message>
        <source>粘贴剪贴板里的二维码截图</source>
        <translation>Paste a QR code screenshot from the clipboard</translation>
    </message>
    <message>
        <source>移除</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>未添加群二维码</source>
        <translation>No group QR code</translation>
    </message>
    <message>
        <source>从文件添加、粘贴截图，或把图片拖到这里</source>
        <translation>Add from a file, paste a screenshot, or drop an image here</translation>
    </message>
    <message>
        <source>点击查看大图</source>
        <translation>Click to enlarge</translation>
    </message>
    <message>
        <source>此平台的群二维码不会过期</source>
        <translation>Group QR codes on this platform do not expire</translation>
    </message>
    <message>
        <source>{date}前有效（共 {days} 天）</source>
        <translation>Valid until {date} ({days} days)</translation>
    </message>
    <message>
        <source>选择群二维码图片</source>
        <translation>Choose the group QR code image</translation>
    </message>
    <message>
        <source>图片 (*.png *.jpg *.jpeg *.gif *.bmp *.webp);;所有文件 (*)</source>
        <translation>Images (*.png *.jpg *.jpeg *.gif *.bmp *.webp);;All files (*)</translation>
    </message>
    <message>
        <source>剪贴板里没有图片</source>
        <translation>No image on the clipboard</translation>
    </message>
    <message>
        <source>请先在微信里打开群二维码，截图或复制图片后再点「粘贴」。</source>
        <translation>Open the group QR code in WeChat, take a screenshot or copy the image, then click “Paste”.</translation>
    </message>
    <message>
        <source>正在识别二维码…</source>
        <translation>Reading the QR code…</translation>
    </message>
    <message>
        <source>移除群二维码</source>
        <translation>Remove group QR code</translation>
    </message>
    <message>
        <source>移除这张群二维码？移除后不再提醒它的有效期。</source>
        <translation>Remove this group QR code? Its expiry will no longer be tracked.</translation>
    </message>
    <message>
        <source>正在移除…</source>
        <translation>Removing…</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
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
    <name>TrashDialog</name>
    <message>
        <source>社群回收站</source>
        <translation>Community trash</translation>
    </message>
    <message>
        <source>删除时还有成员记录的社群放在这里，成员和入群记录都还在，恢复后一切照旧。彻底删除会一并删除它的入群记录和进退群历史，不能撤销。</source>
        <translation>Communities deleted while they still had member records wait here with all their records; restoring brings everything back. Deleting for good also removes their memberships and join/leave history, and cannot be undone.</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <source>入群记录</source>
        <translation>Memberships</translation>
    </message>
    <message>
        <source>删除时间</source>
        <translation>Deleted at</translation>
    </message>
    <message>
        <source>回收站是空的</source>
        <translation>The trash is empty</translation>
    </message>
    <message>
        <source>恢复</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>彻底删除…</source>
        <translation>Delete for good…</translation>
    </message>
    <message>
        <source>正在恢复…</source>
        <translation>Restoring…</translation>
    </message>
    <message>
        <source>彻底删除「{name}」？它的 {count} 条入群记录和进退群历史会一并删除，不能撤销。</source>
        <translation>Delete “{name}” for good? Its {count} memberships and join/leave history will be deleted too. This cannot be undone.</translation>
    </message>
    <message>
        <source>彻底删除「{name}」？</source>
        <translation>Delete “{name}” for good?</translation>
    </message>
    <message>
        <source>彻底删除</source>
        <translation>Delete for good</translation>
    </message>
    <message>
        <source>正在删除…</source>
        <translation>Deleting…</translation>
    </message>
</context>
<context>
    <name>activity</name>
    <message>
        <source>签到</source>
        <translation>Check-in</translation>
    </message>
    <message>
        <source>发言</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>优质内容</source>
        <translation>Good post</translation>
    </message>
    <message>
        <source>回答问题</source>
        <translation>Answered question</translation>
    </message>
    <message>
        <source>参加活动</source>
        <translation>Attended event</translation>
    </message>
    <message>
        <source>购买</source>
        <translation>Purchase</translation>
    </message>
    <message>
        <source>邀请成功</source>
        <translation>Converted invite</translation>
    </message>
    <message>
        <source>分享</source>
        <translation>Share</translation>
    </message>
    <message>
        <source>反馈</source>
        <translation>Feedback</translation>
    </message>
    <message>
        <source>违规</source>
        <translation>Violation</translation>
    </message>
</context>
<context>
    <name>communities</name>
    <message>
        <source>微信群</source>
        <translation>WeChat group</translation>
    </message>
    <message>
        <source>企业微信客户群</source>
        <translation>WeCom customer group</translation>
    </message>
    <message>
        <source>QQ群</source>
        <translation>QQ group</translation>
    </message>
    <message>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>二维码已过期</source>
        <translation>QR code expired</translation>
    </message>
    <message>
        <source>二维码即将过期</source>
        <translation>QR code expiring</translation>
    </message>
    <message>
        <source>群人数上限</source>
        <translation>Member cap</translation>
    </message>
    <message>
        <source>扫码进群上限</source>
        <translation>Scan-in cap</translation>
    </message>
    <message>
        <source>未添加群二维码</source>
        <translation>No group QR code</translation>
    </message>
    <message>
        <source>群已满</source>
        <translation>Group full</translation>
    </message>
    <message>
        <source>接近人数上限</source>
        <translation>Near member cap</translation>
    </message>
    <message>
        <source>仅能邀请进群</source>
        <translation>Invite only</translation>
    </message>
    <message>
        <source>接近扫码上限</source>
        <translation>Near scan-in cap</translation>
    </message>
    <message>
        <source>M月d日</source>
        <translation>MMM d</translation>
    </message>
    <message>
        <source>yyyy年M月d日</source>
        <translation>MMM d, yyyy</translation>
    </message>
    <message>
        <source>群二维码已于 {date} 过期，请在微信里重新生成并添加</source>
        <translation>The group QR code expired on {date}: generate a new one in WeChat and attach it</translation>
    </message>
    <message>
        <source>群二维码还剩 {days} 天（{date} 过期），请提前准备新二维码</source>
        <translation>The group QR code has {days} day(s) left (expires {date}): prepare a new one</translation>
    </message>
    <message>
        <source>群已满（{members}/{cap} 人），请开新群</source>
        <translation>The group is full ({members}/{cap}): open a new group</translation>
    </message>
    <message>
        <source>已有 {members} 人，距 {cap} 人上限只剩 {left} 个名额，准备开新群</source>
        <translation>{members} members, only {left} places left before the cap of {cap}: get a new group ready</translation>
    </message>
    <message>
        <source>已有 {members} 人，超过 {cap} 人扫码进群上限：只能邀请进群</source>
        <translation>{members} members, past the scan-in cap of {cap}: people can only join by invitation</translation>
    </message>
    <message>
        <source>已有 {members} 人，距 {cap} 人扫码进群上限只剩 {left} 人，准备开新群</source>
        <translation>{members} members, {left} more before scanning in stops at {cap}: get a new group ready</translation>
    </message>
    <message>
        <source>还没有添加群二维码，无法跟踪有效期</source>
        <translation>No group QR code attached yet, so its expiry cannot be tracked</translation>
    </message>
    <message>
        <source>未添加</source>
        <translation>None</translation>
    </message>
    <message>
        <source>长期有效</source>
        <translation>No expiry</translation>
    </message>
    <message>
        <source>已过期</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>剩 {days} 天</source>
        <translation>{days} d left</translation>
    </message>
    <message>
        <source>微信群二维码</source>
        <translation>WeChat group QR code</translation>
    </message>
    <message>
        <source>企业微信二维码</source>
        <translation>WeCom QR code</translation>
    </message>
    <message>
        <source>微信个人名片或公众号，不是群二维码</source>
        <translation>A personal WeChat card or official account, not a group QR code</translation>
    </message>
    <message>
        <source>QQ 群二维码</source>
        <translation>QQ group QR code</translation>
    </message>
    <message>
        <source>网址</source>
        <translation>Web address</translation>
    </message>
    <message>
        <source>文本</source>
        <translation>Text</translation>
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
    <name>roles</name>
    <message>
        <source>管理者</source>
        <translation>Manager</translation>
    </message>
    <message>
        <source>领导者</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>执行者</source>
        <translation>Executor</translation>
    </message>
    <message>
        <source>追随者</source>
        <translation>Follower</translation>
    </message>
    <message>
        <source>连接者</source>
        <translation>Connector</translation>
    </message>
    <message>
        <source>贡献者</source>
        <translation>Contributor</translation>
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
