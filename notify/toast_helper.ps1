# MCP Tray's notification helper on Windows: shows, replaces and removes toast notifications
# through WinRT and reports clicks and dismissals. notify/helper.go starts it and holds the
# protocol (JSON lines on standard input and output) and every decision; this script only
# does what it is told. Windows PowerShell 5.1 (every Windows 10 and 11 has it).
$ErrorActionPreference = 'Stop'
$appId = $env:MCPTRAY_TOAST_APPID
$appName = $env:MCPTRAY_TOAST_APPNAME
$utf8 = New-Object System.Text.UTF8Encoding $false
# Console.In's ReadLineAsync blocks; a StreamReader's does not, so events are read meanwhile.
$stdin = New-Object System.IO.StreamReader ([Console]::OpenStandardInput()), $utf8
$stdout = New-Object System.IO.StreamWriter ([Console]::OpenStandardOutput()), $utf8
$stdout.AutoFlush = $true
function Send($o) { $stdout.WriteLine(($o | ConvertTo-Json -Compress)) }

try {
	$null = [Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime]
	$null = [Windows.Data.Xml.Dom.XmlDocument, Windows.Data.Xml.Dom.XmlDocument, ContentType = WindowsRuntime]
	# An app without a package shows toasts under an AppUserModelID registered for this user
	# (no administrator rights needed); the installer's Start menu shortcut names the same one.
	$key = "HKCU:\Software\Classes\AppUserModelId\$appId"
	if (-not (Test-Path $key)) { $null = New-Item -Path $key -Force }
	Set-ItemProperty -Path $key -Name DisplayName -Value $appName
	$notifier = [Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier($appId)
	$history = [Windows.UI.Notifications.ToastNotificationManager]::History
} catch {
	[Console]::Error.WriteLine($_.Exception.Message)
	exit 1
}

Send @{ ev = 'ready'; actions = $true }
$shown = @{}  # tag -> the number of its event subscriptions
$n = 0
function Forget($tag) {
	if ($shown.ContainsKey($tag)) {
		$k = $shown[$tag]
		Unregister-Event -SourceIdentifier "mcptray-activated-$k" -ErrorAction SilentlyContinue
		Unregister-Event -SourceIdentifier "mcptray-dismissed-$k" -ErrorAction SilentlyContinue
		$shown.Remove($tag)
	}
}

$line = $stdin.ReadLineAsync()
while ($true) {
	foreach ($e in @(Get-Event -ErrorAction SilentlyContinue)) {
		Remove-Event -EventIdentifier $e.EventIdentifier
		if ($e.SourceIdentifier -like 'mcptray-activated-*') {
			$a = [Windows.UI.Notifications.ToastActivatedEventArgs]$e.SourceEventArgs
			Send @{ ev = 'activated'; tag = $e.MessageData; args = $a.Arguments }
		} elseif ($e.SourceIdentifier -like 'mcptray-dismissed-*') {
			$d = [Windows.UI.Notifications.ToastDismissedEventArgs]$e.SourceEventArgs
			Send @{ ev = 'dismissed'; tag = $e.MessageData; reason = [string]$d.Reason }
		}
	}
	if (-not $line.Wait(100)) { continue }
	$text = $line.Result
	if ($null -eq $text) { break }  # MCP Tray closed the notifier
	$line = $stdin.ReadLineAsync()
	$m = $text | ConvertFrom-Json
	$err = ''
	try {
		if ($m.op -eq 'show') {
			$doc = New-Object Windows.Data.Xml.Dom.XmlDocument
			$doc.LoadXml($m.xml)
			$t = New-Object Windows.UI.Notifications.ToastNotification $doc
			$t.Tag = $m.tag
			$t.Group = 'mcptray'
			if ($m.expire_ms -gt 0) { $t.ExpirationTime = [DateTimeOffset]::Now.AddMilliseconds($m.expire_ms) }
			Forget $m.tag
			$n++
			$null = Register-ObjectEvent -InputObject $t -EventName Activated -SourceIdentifier "mcptray-activated-$n" -MessageData $m.tag
			$null = Register-ObjectEvent -InputObject $t -EventName Dismissed -SourceIdentifier "mcptray-dismissed-$n" -MessageData $m.tag
			$shown[$m.tag] = $n
			$notifier.Show($t)  # a toast with the same tag and group replaces the one shown
		} elseif ($m.op -eq 'remove') {
			Forget $m.tag
			$history.Remove($m.tag, 'mcptray', $appId)
		} else {
			$err = "unknown op $($m.op)"
		}
	} catch {
		$err = $_.Exception.Message
	}
	Send @{ ev = 'done'; id = $m.id; error = $err }
}
